"""The media library: images stored once each, and galleries that order them.

An image belongs to no article: a featured image, a gallery and a body may all show the same
one. ``sha256`` is the hash of the file as uploaded, unique, so uploading or importing the same
file again finds the stored image instead of storing a copy. Renditions are files, not rows:
their names are derived from the hash and the spec (``media.renditions``).
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

_FRACTION = [MinValueValidator(0.0), MaxValueValidator(1.0)]


class Image(models.Model):
    file = models.FileField(upload_to="images/%Y/%m/", max_length=200, verbose_name=_("file"))
    alt_text = models.CharField(
        max_length=500,
        blank=True,
        help_text=_("What the picture shows, for readers who cannot see it. Needed to publish."),
        verbose_name=_("alt text"),
    )
    caption = models.CharField(max_length=500, blank=True, verbose_name=_("caption"))
    credit = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("Photographer, agency or source."),
        verbose_name=_("credit"),
    )
    focal_x = models.FloatField(
        default=0.5,
        validators=_FRACTION,
        help_text=_("Where the subject is, from the left edge (0) to the right (1)."),
        verbose_name=_("focal point x"),
    )
    focal_y = models.FloatField(
        default=0.5,
        validators=_FRACTION,
        help_text=_("Where the subject is, from the top (0) to the bottom (1)."),
        verbose_name=_("focal point y"),
    )
    width = models.PositiveIntegerField(
        default=0, editable=False, verbose_name=_("width in pixels")
    )
    height = models.PositiveIntegerField(
        default=0, editable=False, verbose_name=_("height in pixels")
    )
    format = models.CharField(max_length=8, editable=False, verbose_name=_("format"))
    sha256 = models.CharField(max_length=64, unique=True, editable=False)
    # Kept so that a feed's enclosures need no request to the storage per item (a HEAD
    # against an object store); None for a file that could not be read when it was measured.
    byte_size = models.PositiveBigIntegerField(
        null=True, editable=False, verbose_name=_("size in bytes")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def __str__(self) -> str:
        return self.alt_text or self.caption or self.file.name.rsplit("/", 1)[-1]


class Gallery(models.Model):
    title = models.CharField(max_length=200, verbose_name=_("title"))
    slug = models.SlugField(
        max_length=100,
        unique=True,
        help_text=_('Put [gallery name="this-slug"] in an article\'s body to show it.'),
        verbose_name=_("slug"),
    )
    images = models.ManyToManyField(
        Image, through="GalleryImage", related_name="galleries", verbose_name=_("images")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["title"]
        verbose_name = _("gallery")
        verbose_name_plural = _("galleries")

    def __str__(self) -> str:
        return self.title


class GalleryImage(models.Model):
    """One image in a gallery; ``position`` keeps the order the editor chose."""

    gallery = models.ForeignKey(Gallery, on_delete=models.CASCADE, related_name="items")
    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(default=0, verbose_name=_("position"))
    caption = models.CharField(
        max_length=500,
        blank=True,
        help_text=_("Shown instead of the image's own caption in this gallery."),
        verbose_name=_("caption"),
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("gallery image")
        verbose_name_plural = _("gallery images")

    def __str__(self) -> str:
        return f"{self.gallery_id} #{self.position}"
