"""factory_boy factories for the content model; tests build their data with these."""

from __future__ import annotations

import datetime as dt
import io

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone
from PIL import Image

from dastan.content.models import (
    Article,
    ArticleAuthor,
    Author,
    Correction,
    Place,
    Section,
    Tag,
)
from dastan.content.services import article_teaser
from dastan.media.models import Image as LibraryImage
from dastan.media.services import image_create


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Section {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"tag {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Place {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))
    kind = Place.Kind.CITY


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Reporter {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class ArticleFactory(factory.django.DjangoModelFactory):
    """A published article from an hour ago, with one author, in one section."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Article number {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    body = factory.LazyAttribute(
        lambda o: f"<p>{o.title} opens with a paragraph.</p><p>A second paragraph follows.</p>"
    )
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))
    section = factory.SubFactory(SectionFactory)
    language = "en"

    @factory.lazy_attribute
    def teaser(self) -> str:
        return article_teaser(Article(body=self.body, excerpt=getattr(self, "excerpt", "")))

    @factory.post_generation
    def authors(self, create: bool, extracted, **kwargs) -> None:
        if not create:
            return
        for position, author in enumerate(extracted or [AuthorFactory()]):
            ArticleAuthor.objects.create(article=self, author=author, position=position)

    @factory.post_generation
    def tags(self, create: bool, extracted, **kwargs) -> None:
        if create and extracted:
            self.tags.set(extracted)

    @factory.post_generation
    def places(self, create: bool, extracted, **kwargs) -> None:
        if create and extracted:
            self.places.set(extracted)


class CorrectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Correction

    article = factory.SubFactory(ArticleFactory)
    kind = Correction.Kind.CORRECTION
    text = "An earlier version misstated the date of the vote."


def image_bytes(fmt: str = "JPEG", size: tuple[int, int] = (40, 30)) -> bytes:
    """Return a small real image in ``fmt``, as Pillow writes it."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buffer, fmt)
    return buffer.getvalue()


def library_image(size: tuple[int, int] = (1600, 900), fmt: str = "JPEG", **texts) -> LibraryImage:
    """Return an image stored in the media library (a fresh picture each call)."""
    buffer = io.BytesIO()
    picture = Image.linear_gradient("L").resize(size).convert("RGB")
    # A different corner pixel per call: a new hash, so a new library image.
    library_image.count = getattr(library_image, "count", 0) + 1
    n = library_image.count
    picture.paste((n * 37 % 256, n * 91 % 256, n // 256 * 53 % 256), (0, 0, 32, 32))
    picture.save(buffer, fmt, **({"quality": 100} if fmt == "JPEG" else {}))
    buffer.seek(0)
    texts.setdefault("alt_text", "A gradient from black to white")
    return image_create(file=buffer, **texts)


def staff_user(username: str, role: str) -> User:
    """Return a staff account in the Writer or Editor group, password "pw"."""
    user = User.objects.create_user(username, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user
