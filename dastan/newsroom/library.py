"""The editor's image dialog: the media library as JSON, and an upload into it.

The body editor's Image button (``editor/src/library.js``) lists, searches and pages the library
here and uploads new pictures through the same checks as the back office's Images page
(``media.services.image_create``: decoded whole, turned upright, metadata dropped, stored once by
hash). Who may see or add images is the back office's rule: the ``media`` app's view and add
permissions (Writers and Editors both have them).
"""

from __future__ import annotations

from django import forms
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from dastan.media.models import Image
from dastan.media.pictures import picture
from dastan.media.services import image_create

# A dialog's page: four rows of the grid's three thumbnails.
PAGE_SIZE = 12


class LibraryUploadForm(forms.Form):
    file = forms.FileField(label=_("File"))
    alt_text = forms.CharField(label=_("Alt text"), max_length=500)
    caption = forms.CharField(label=_("Caption"), max_length=500, required=False)
    credit = forms.CharField(label=_("Credit"), max_length=200, required=False)


def image_entry(image: Image) -> dict:
    """Return what the dialog shows of ``image`` and what the editor inserts for it.

    The body's ``<img src>`` is a rendition, never the original upload (which may be a 12-MP
    photo): it is what a feed or the editor shows; the reader page draws a ``<picture>``.
    """
    thumb = picture(image, "thumb")
    # The body role's plain src: its default width (960) or the widest the source fills.
    src = picture(image, "body").src
    return {
        "id": image.pk,
        "thumb": thumb.src,
        "thumbWidth": thumb.width,
        "thumbHeight": thumb.height,
        "src": src,
        "alt": image.alt_text,
        "caption": image.caption,
        "credit": image.credit,
        "width": image.width,
        "height": image.height,
    }


@never_cache
@staff_member_required
@require_GET
def library_list(request: HttpRequest) -> JsonResponse:
    """Return a page of the library, newest first, searched by alt text, caption and credit."""
    if not request.user.has_perm("media.view_image"):
        raise PermissionDenied("You cannot see the media library.")
    query = request.GET.get("q", "").strip()[:200]
    images = Image.objects.all()
    for word in query.split()[:10]:
        images = images.filter(
            Q(alt_text__icontains=word) | Q(caption__icontains=word) | Q(credit__icontains=word)
        )
    page = Paginator(images, PAGE_SIZE).get_page(request.GET.get("page"))
    return JsonResponse(
        {
            "results": [image_entry(image) for image in page],
            "page": page.number,
            "pages": page.paginator.num_pages,
            "count": page.paginator.count,
        }
    )


@never_cache
@staff_member_required
@require_POST
def library_upload(request: HttpRequest) -> JsonResponse:
    """Store an uploaded picture in the library (the back office's checks) and return it."""
    if not request.user.has_perm("media.add_image"):
        raise PermissionDenied("You cannot add images to the media library.")
    form = LibraryUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return JsonResponse({"errors": _errors(form.errors)}, status=400)
    texts = {name: form.cleaned_data[name] for name in ("alt_text", "caption", "credit")}
    try:
        image = image_create(file=form.cleaned_data["file"].file, **texts)
    except ValidationError as error:
        return JsonResponse({"errors": {"file": error.messages}}, status=400)
    return JsonResponse(image_entry(image), status=201)


def _errors(errors) -> dict[str, list[str]]:
    return {field: [str(message) for message in messages] for field, messages in errors.items()}
