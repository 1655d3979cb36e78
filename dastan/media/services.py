"""Writes to the media library: the one way an image file gets in."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from dastan.media.models import Gallery, GalleryImage, Image
from dastan.media.uploads import image_name, image_prepare


def image_create(
    *,
    file: IO[bytes],
    alt_text: str = "",
    caption: str = "",
    credit: str = "",
    focal_x: float = 0.5,
    focal_y: float = 0.5,
) -> Image:
    """Store ``file`` in the library, or return the image already stored from the same bytes.

    The file is decoded, turned upright and stripped of metadata first
    (``uploads.image_prepare``); a file that is not a fit image raises ``ValidationError``
    and nothing is stored. Text given for an image found again fills only what it lacks.
    """
    prepared = image_prepare(file)
    found = Image.objects.filter(sha256=prepared.sha256).first()
    if found is not None:
        return _fill(found, alt_text=alt_text, caption=caption, credit=credit)
    image = Image(
        alt_text=alt_text[:500],
        caption=caption[:500],
        credit=credit[:200],
        focal_x=min(max(focal_x, 0.0), 1.0),
        focal_y=min(max(focal_y, 0.0), 1.0),
        width=prepared.check.width,
        height=prepared.check.height,
        format=prepared.check.extension,
        sha256=prepared.sha256,
        byte_size=len(prepared.content),
    )
    image.file.save(image_name(prepared.check), ContentFile(prepared.content), save=False)
    try:
        with transaction.atomic():
            image.save()
    except IntegrityError:
        # The same file came in at the same moment through another request: keep that one.
        image.file.delete(save=False)
        return Image.objects.get(sha256=prepared.sha256)
    return image


def _fill(image: Image, **texts: str) -> Image:
    changed = [name for name, value in texts.items() if value and not getattr(image, name)]
    for name in changed:
        setattr(image, name, texts[name][: Image._meta.get_field(name).max_length])
    if changed:
        image.save(update_fields=changed)
    return image


def gallery_images_set(gallery: Gallery, images: Sequence[Image]) -> None:
    """Make ``images``, in this order, the whole of ``gallery``."""
    with transaction.atomic():
        GalleryImage.objects.filter(gallery=gallery).delete()
        GalleryImage.objects.bulk_create(
            GalleryImage(gallery=gallery, image=image, position=number)
            for number, image in enumerate(images)
        )
