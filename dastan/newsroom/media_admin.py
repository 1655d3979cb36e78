"""The media library in the back office: upload with checks, alt text, focal point, galleries.

An upload goes through ``media.services.image_create`` (decoded, turned upright, metadata
dropped, stored once by hash); the file of a stored image is not replaced: a new picture is a
new image, so renditions and pages that show the old one stay right.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from dastan.media.models import Gallery, GalleryImage, Image
from dastan.media.pictures import picture
from dastan.media.services import image_create
from dastan.media.uploads import FORMATS, image_prepare


class ImageAdminForm(forms.ModelForm):
    upload = forms.FileField(
        required=False,
        label=_("File"),
        help_text=_("JPEG, PNG, WebP, AVIF or GIF."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(f"image/{name.lower()}" for name in FORMATS)}
        ),
    )

    class Meta:
        model = Image
        fields = ["alt_text", "caption", "credit", "focal_x", "focal_y"]

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if self.instance.pk is None and not upload:
            raise ValidationError(_("Choose a picture to upload."), code="required")
        if upload:
            image_prepare(upload.file)
        return upload


class GalleryImageInline(admin.TabularInline):
    model = GalleryImage
    extra = 1
    autocomplete_fields = ["image"]
    fields = ["position", "image", "caption"]
    ordering = ["position", "id"]


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageAdminForm
    list_display = ["thumbnail", "__str__", "credit", "width", "height", "created_at"]
    list_display_links = ["thumbnail", "__str__"]
    search_fields = ["alt_text", "caption", "credit"]
    readonly_fields = ["preview", "width", "height", "format", "sha256", "created_at"]

    def get_fields(self, request, obj=None):
        head = ["upload"] if obj is None else ["preview"]
        return [*head, "alt_text", "caption", "credit", "focal_x", "focal_y"] + (
            ["width", "height", "format", "sha256", "created_at"] if obj else []
        )

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        stored = image_create(
            file=form.cleaned_data["upload"].file,
            alt_text=obj.alt_text,
            caption=obj.caption,
            credit=obj.credit,
            focal_x=obj.focal_x,
            focal_y=obj.focal_y,
        )
        # The admin goes on with the stored row (a file uploaded before is found, not copied).
        obj.pk = stored.pk
        obj.__dict__.update(
            {name: getattr(stored, name) for name in ("file", "width", "height", "format")}
        )
        obj.sha256 = stored.sha256
        obj._state.adding = False

    @admin.display(description=_("Picture"))
    def thumbnail(self, obj: Image) -> str:
        shown = picture(obj, "card")
        return format_html(
            '<img src="{}" width="160" height="90" alt="" loading="lazy">', shown.src
        )

    @admin.display(description=_("Preview (card crop around the focal point)"))
    def preview(self, obj: Image) -> str:
        shown = picture(obj, "card")
        full = picture(obj, "lead")
        height = round(320 * full.height / full.width) if full.width else 0
        return format_html(
            '<img src="{}" width="320" height="180" alt=""> <img src="{}" width="320" height="{}" '
            'alt="">',
            shown.src,
            full.src,
            height,
        )


@admin.register(Gallery)
class GalleryAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "created_at"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [GalleryImageInline]
