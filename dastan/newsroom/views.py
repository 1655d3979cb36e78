"""Back-office views outside the admin's forms: preview, two-factor enrolment, lockout."""

from __future__ import annotations

import math

import segno
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from dastan.content import selectors, services
from dastan.content.models import Article, local_datetime
from dastan.newsroom.autosave import autosave_clear, autosave_store
from dastan.newsroom.editing import editing_mark
from dastan.newsroom.forms import AutosaveForm, StaffLanguageForm, TOTPEnrolmentForm
from dastan.newsroom.preferences import staff_language_get, staff_language_set
from dastan.newsroom.twofactor import (
    totp_device_get,
    totp_enrolment_confirm,
    totp_enrolment_start,
    twofactor_required,
)
from dastan.web.views.pages import article_page


@staff_member_required
@require_POST
def editing_heartbeat(request: HttpRequest, pk: int) -> HttpResponse:
    """Renew the caller's "editing" mark on an article whose change form is still open."""
    article = Article.objects.filter(pk=pk).first()
    if article is None or not services.can_view(request.user, article):
        raise Http404("No such article")
    if not services.can_edit(request.user, article):
        raise PermissionDenied("Only someone who may edit the article marks it as being edited.")
    editing_mark(article, request.user)
    return HttpResponse(status=204)


def _editable_article(request: HttpRequest, pk: int | None) -> Article | None:
    """Return the article ``pk`` if the caller may edit it (None: a new article they may add)."""
    if pk is None:
        if not request.user.has_perm("content.add_article"):
            raise PermissionDenied("You cannot create articles.")
        return None
    article = Article.objects.filter(pk=pk).first()
    if article is None or not services.can_view(request.user, article):
        raise Http404("No such article")
    if not services.can_edit(request.user, article):
        raise PermissionDenied("You cannot edit this article.")
    return article


@never_cache
@staff_member_required
@require_POST
def autosave(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Keep the caller's working copy of an article's text (a new article's when no ``pk``).

    Always kept, so nothing typed is lost; answered 409 when the article was saved by
    someone since the form was opened (``opened_version``), for the page to say so.
    """
    article = _editable_article(request, pk)
    form = AutosaveForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    opened = form.cleaned_data["opened_version"]
    kept = autosave_store(
        user=request.user, article=article, base_version=opened, texts=form.cleaned_data
    )
    stored = article.lock_version if article is not None else None
    conflict = article is not None and opened is not None and opened != stored
    answer = {
        "saved_at": kept.saved_at.isoformat(),
        # As the page shows it: the site's time format and time zone, like every admin date.
        "saved_at_label": formats.time_format(timezone.localtime(kept.saved_at)),
        "conflict": conflict,
        "lock_version": stored,
    }
    return JsonResponse(answer, status=409 if conflict else 200)


@never_cache
@staff_member_required
@require_POST
def autosave_discard(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Forget the caller's working copy and go back to the form as stored."""
    article = _editable_article(request, pk)
    autosave_clear(user=request.user, article=article)
    messages.info(request, _("The autosaved copy was discarded."))
    if article is None:
        return redirect("admin:content_article_add")
    return redirect("admin:content_article_change", article.pk)


@staff_member_required
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Show an article as readers will see it, whatever its status; never indexed."""
    article = selectors.article_preview_get(pk=pk)
    if article is None:
        raise Http404("No such article")
    if not (services.can_publish(request.user) or services.can_edit(request.user, article)):
        raise PermissionDenied("Writers preview only their own drafts.")
    if article.published_at and local_datetime(article.published_at) is article.published_at:
        # A time the site's zone cannot show (9999-12-31, stored before dates
        # were checked) is left out of the preview rather than failing it.
        article.published_at = None
    response = render(request, "pages/article.html", {"page": article_page(article, preview=True)})
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@staff_member_required
def twofactor(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: a QR code drawn here (no third party sees the key)."""
    context = {**admin.site.each_context(request), "title": _("Two-factor sign-in")}
    if totp_device_get(request.user) is not None:
        return render(request, "newsroom/enrol.html", {**context, "confirmed": True})
    device = totp_enrolment_start(request.user)
    form = TOTPEnrolmentForm(request.POST or None)
    if form.is_valid():
        if totp_enrolment_confirm(request, device, form.cleaned_data["token"]):
            messages.success(request, _("Two-factor sign-in is on: sign-ins now ask for a code."))
            return redirect("admin:index")
        form.add_error("token", _("That code does not match: check the phone's clock and retry."))
    url = device.config_url
    # segno writes plain SVG elements (no script, no style attribute): fine under the CSP.
    qr_svg = mark_safe(segno.make(url, error="m").svg_inline(scale=5))
    context.update(
        form=form,
        qr_svg=qr_svg,
        secret=url.split("secret=", 1)[1].split("&", 1)[0],
        required=twofactor_required(request.user),
    )
    return render(request, "newsroom/enrol.html", context)


@never_cache
@staff_member_required
def language(request: HttpRequest) -> HttpResponse:
    """Choose the back office's language; reader pages keep following their edition."""
    form = StaffLanguageForm(
        request.POST or None, initial={"language": staff_language_get(request.user)}
    )
    if form.is_valid():
        staff_language_set(request.user, form.cleaned_data["language"])
        # Said in the new language: the next page is the first one in it.
        with translation.override(form.cleaned_data["language"]):
            messages.success(request, _("The back office now uses this language."))
        return redirect("admin:index")
    context = {**admin.site.each_context(request), "title": _("Back-office language"), "form": form}
    return render(request, "newsroom/language.html", context)


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """Explain a django-axes lockout: how many failures, when to retry, who can unlock."""
    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "username": get_client_username(request, credentials) or "",
        "cooloff_minutes": math.ceil(cool_off.total_seconds() / 60) if cool_off else 0,
    }
    return render(
        request, "newsroom/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    )
