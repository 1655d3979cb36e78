"""The back office: Django's admin made fit for a newsroom.

Writers draft and edit their own drafts; only Editors publish, schedule and
unpublish. The rule is enforced here *and* in ``content.services`` so that no
admin path (form, action, bulk edit) can go around it.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from dastan.content import revisions, services
from dastan.content.forms import IdChoiceField, IdMultipleChoiceField
from dastan.content.models import (
    Article,
    ArticleAuthor,
    ArticleVersion,
    Author,
    Correction,
    Place,
    Section,
    Tag,
)
from dastan.content.signals import articles_changed
from dastan.newsroom import (  # noqa: F401 (media_admin registers the library)
    autosave,
    editing,
    media_admin,
)
from dastan.newsroom.changelist import (
    DateSafeChangeList,
    PublishedYearFilter,
    SlugAdmin,
    published_column,
)
from dastan.newsroom.conf import newsroom_setting
from dastan.newsroom.diffs import versions_diff
from dastan.newsroom.forms import ArticleAdminForm, VersionCompareForm
from dastan.newsroom.translations import (
    EditionFilter,
    article_change_url,
    editions,
    translations_of,
    translations_panel,
)
from dastan.search.indexing import index_deferred

EDITOR_SCRIPT = "newsroom/build/editor.js"
# The change page lists this many of the newest versions; the versions page lists all.
RECENT_VERSIONS = 10
# The statuses a change form may submit for review.
SUBMITTABLE = (Article.Status.DRAFT, Article.Status.UNPUBLISHED)

admin.site.unregister([User, Group])
# django-otp's device admin shows a device's secret as a QR code to any superuser, and its
# config page answers 500 for an unknown id. Staff enrol at /newsroom/two-factor/ and an
# operator resets with `dastan staff reset-2fa`: the secret is shown once, to its owner.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


class CheckedQueryMixin:
    """Use the admin's query-string values only when they are valid, never answer 500 for one.

    Django hands an add form's prefill (``?section=3``) to the widgets unchecked:
    the autocomplete widget queries with it and the date-time widget expects a
    datetime, so ``?section=x`` or ``?published_at=x`` failed. SQLite cannot even
    compare an id past 64 bits (``OverflowError``) where PostgreSQL finds nothing.
    And an empty ``?_to_field=`` reached ``get_object`` as the field named "".
    """

    def get_changeform_initial_data(self, request) -> dict:
        initial = super().get_changeform_initial_data(request)
        fields = self.get_form(request).base_fields
        checked = {}
        for name, value in initial.items():
            if name in fields:
                try:
                    fields[name].clean(value)
                except (ValidationError, OverflowError):
                    continue
            checked[name] = value
        return checked

    def get_object(self, request, object_id, from_field=None):
        return super().get_object(request, object_id, from_field or None)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A posted id past 64 bits is a wrong choice, not an OverflowError (SQLite).
        kwargs.setdefault("form_class", IdChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", IdMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class BylineInline(admin.TabularInline):
    model = ArticleAuthor
    extra = 1
    autocomplete_fields = ["author"]
    ordering = ["position"]
    verbose_name = "byline author"


class CorrectionInline(admin.StackedInline):
    model = Correction
    extra = 0


@admin.register(Article)
class ArticleAdmin(CheckedQueryMixin, SlugAdmin):
    form = ArticleAdminForm
    list_display = ["title", "status", published_column, "section", "language", "byline", "links"]
    list_filter = [
        "status",
        EditionFilter,
        "section",
        "is_featured",
        "is_listed",
        "published_at",
        PublishedYearFilter,
    ]
    search_fields = ["title", "slug", "standfirst"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["section", "sections", "tags", "places", "featured_image"]
    inlines = [BylineInline, CorrectionInline]
    actions = ["publish", "schedule", "unpublish"]
    list_select_related = ["section"]
    readonly_fields = ["created_by", "created_at", "updated_at", "revised_at"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "standfirst",
                    "body",
                    "excerpt",
                    "language",
                    "opened_version",
                ]
            },
        ),
        (
            gettext_lazy("Publishing"),
            {
                "fields": [
                    "status",
                    "published_at",
                    "is_featured",
                    "is_listed",
                    "breaking_until",
                    "review_note",
                ]
            },
        ),
        (gettext_lazy("Filing"), {"fields": ["section", "sections", "tags", "places"]}),
        (
            gettext_lazy("Featured image"),
            {
                "fields": [
                    "featured_image",
                    "featured_image_url",
                    "featured_image_caption",
                    "featured_image_credit",
                ]
            },
        ),
        (gettext_lazy("Updates"), {"fields": ["mark_revised", "revision_note", "revised_at"]}),
        (
            gettext_lazy("Record"),
            {
                "classes": ["collapse"],
                "fields": ["legacy_url", "created_by", "created_at", "updated_at"],
            },
        ),
    ]

    def get_queryset(self, request):
        # Every admin read (changelist, change and history pages, autocomplete, actions)
        # starts here, so a writer never meets another writer's draft anywhere.
        queryset = services.articles_visible_to(request.user, super().get_queryset(request))
        return queryset.prefetch_related("bylines__author")

    def get_object(self, request, object_id, from_field=None):
        article = super().get_object(request, object_id, from_field)
        if article is None and not services.can_publish(request.user):
            # Django's "perhaps it was deleted" redirect would still answer; a writer gets a
            # 404, whether the article is someone's draft or does not exist.
            raise Http404("No such article")
        if article is not None and autosave.autosave_requested(request):
            kept = autosave.autosave_get(user=request.user, article=article)
            if kept is not None:
                autosave.autosave_apply(article, kept)
        return article

    def get_changeform_initial_data(self, request) -> dict:
        initial = super().get_changeform_initial_data(request)
        if autosave.autosave_requested(request):
            kept = autosave.autosave_get(user=request.user, article=None)
            if kept is not None:
                initial.update({name: getattr(kept, name) for name in autosave.FIELDS})
        return initial

    def view_on_site(self, obj: Article) -> str:
        if obj.is_public:
            return obj.get_absolute_url()
        return reverse("newsroom:preview", args=[obj.pk])

    def has_view_permission(self, request, obj=None) -> bool:
        if obj is not None and not services.can_view(request.user, obj):
            return False
        return super().has_view_permission(request, obj)

    def get_changelist(self, request, **kwargs):
        return DateSafeChangeList

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # A save fires signals for the article, each relation and each byline:
        # the search index is written once, at the end, in the same transaction.
        try:
            with transaction.atomic(using=router.db_for_write(self.model)), index_deferred():
                return super().changeform_view(request, object_id, form_url, extra_context)
        except services.ArticleEditConflict:
            # Someone saved between this form's check and its write (the form's own check
            # catches every other case, with the differences): nothing was written.
            self.message_user(
                request,
                _("Someone saved this article at the same moment: your save was not stored."),
                messages.ERROR,
            )
            return redirect(request.get_full_path())

    def response_action(self, request, queryset):
        # A bulk action is one transaction, with each article indexed once at its end.
        with transaction.atomic(using=router.db_for_write(self.model)), index_deferred():
            return super().response_action(request, queryset)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["seo_title_chars"] = newsroom_setting("SEO_TITLE_CHARS")
        context["seo_description_chars"] = newsroom_setting("SEO_DESCRIPTION_CHARS")
        # Built by `make editor`; without it the body stays a textarea (docs/newsroom.md).
        context["editor_script"] = EDITOR_SCRIPT if finders.find(EDITOR_SCRIPT) else None
        context.update(autosave.autosave_context(request, obj))
        if obj is not None:
            # Drawn by admin/content/article/change_form.html inside the change form.
            context["translations_panel"] = translations_panel(
                request, obj, can_add=self.has_add_permission(request)
            )
            context["recent_versions"] = revisions.versions_list(obj)[:RECENT_VERSIONS]
            if request.method == "GET" and change and services.can_edit(request.user, obj):
                # Only someone who may save it counts as editing; a reader of the form does not.
                editing.editing_mark(obj, request.user)
            context["editing_others"] = list(editing.editing_others(obj, request.user))
            context["heartbeat_url"] = reverse("newsroom:editing_heartbeat", args=[obj.pk])
            context["heartbeat_seconds"] = newsroom_setting("EDITING_HEARTBEAT")
            context["can_submit_for_review"] = obj.status in SUBMITTABLE and (
                services.can_edit(request.user, obj)
            )
            context["can_send_back"] = obj.status == Article.Status.REVIEW and (
                services.can_publish(request.user)
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        translate = path(
            "<path:object_id>/translate/",
            self.admin_site.admin_view(self.translate_view),
            name="content_article_translate",
        )
        versions = path(
            "<path:object_id>/versions/",
            self.admin_site.admin_view(self.versions_view),
            name="content_article_versions",
        )
        restore = path(
            "<path:object_id>/versions/<int:number>/restore/",
            self.admin_site.admin_view(self.version_restore_view),
            name="content_article_version_restore",
        )
        return [translate, versions, restore, *super().get_urls()]

    def _visible_article(self, request: HttpRequest, object_id: str) -> Article:
        article = self.get_object(request, unquote(object_id))
        if article is None or not self.has_view_permission(request, article):
            raise Http404("No such article")
        return article

    def versions_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """List an article's versions; with ``?old=&new=``, show the diff between two."""
        article = self._visible_article(request, object_id)
        versions = list(revisions.versions_list(article))
        numbers = [v.number for v in versions]
        form = VersionCompareForm(request.GET or None, numbers=numbers)
        diff = old = new = None
        if form.is_valid():
            pair = ArticleVersion.objects.filter(
                article=article, number__in=[form.cleaned_data["old"], form.cleaned_data["new"]]
            )
            found = {v.number: v for v in pair}
            old, new = found[form.cleaned_data["old"]], found[form.cleaned_data["new"]]
            diff = versions_diff(old, new)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Versions of “%(title)s”") % {"title": article.title},
            "opts": self.model._meta,
            "original": article,
            "versions": versions,
            "form": form,
            "diff": diff,
            "diff_changed": any(field.changed for field in diff or ()),
            "old": old,
            "new": new,
            "can_restore": services.can_edit(request.user, article),
        }
        return TemplateResponse(request, "admin/content/article/versions.html", context)

    def version_restore_view(self, request: HttpRequest, object_id: str, number: int):
        """Restore version ``number`` as the article's newest version (POST only)."""
        article = self._visible_article(request, object_id)
        if request.method != "POST":
            return redirect("admin:content_article_versions", article.pk)
        version = ArticleVersion.objects.filter(article=article, number=number).first()
        if version is None:
            raise Http404("No such version")
        if not services.can_edit(request.user, article):
            raise PermissionDenied("You cannot edit this article.")
        with transaction.atomic(using=router.db_for_write(self.model)), index_deferred():
            services.article_version_restore(article, version, user=request.user)
        self.message_user(
            request,
            _("Restored version %(number)d as a new version.") % {"number": number},
            messages.SUCCESS,
        )
        return redirect(article_change_url(article))

    def translate_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Create a draft translation in the posted edition, or open the one there is."""
        if request.method != "POST":
            return redirect("admin:content_article_change", object_id)
        article = self.get_object(request, unquote(object_id))
        if article is None or not self.has_view_permission(request, article):
            raise Http404("No such article")
        if not self.has_add_permission(request):
            raise PermissionDenied("You cannot create articles.")
        language = request.POST.get("language", "")
        edition = editions().get(language)
        if edition is None or language == article.language:
            self.message_user(
                request, _("Choose another edition to translate into."), messages.ERROR
            )
            return redirect(article_change_url(article))
        existing = next((a for a in translations_of(article) if a.language == language), None)
        if existing is not None:
            return self._translation_exists(request, article, existing, edition)
        with transaction.atomic(using=router.db_for_write(self.model)), index_deferred():
            try:
                draft = services.article_translation_create(
                    article, language=language, user=request.user
                )
            except ValueError:
                taken = _("The %(edition)s edition already has a translation.")
                # Another request made it between the check and the write.
                self.message_user(request, taken % {"edition": edition}, messages.WARNING)
                return redirect(article_change_url(article))
        self.message_user(
            request,
            _("Created a draft of “%(title)s” in the %(edition)s edition: translate it here.")
            % {"title": article.title, "edition": edition},
            messages.SUCCESS,
        )
        return redirect(article_change_url(draft))

    def _translation_exists(
        self, request: HttpRequest, article: Article, existing: Article, edition: str
    ) -> HttpResponse:
        if services.can_view(request.user, existing):
            message = _("The %(edition)s edition already has this translation.")
            self.message_user(request, message % {"edition": edition}, messages.INFO)
            return redirect(article_change_url(existing))
        # Someone else's draft: say the edition is taken, show nothing of it.
        taken = _("The %(edition)s edition already has a translation.")
        self.message_user(request, taken % {"edition": edition}, messages.WARNING)
        return redirect(article_change_url(article))

    @admin.display(description=gettext_lazy("By"))
    def byline(self, obj: Article) -> str:
        return ", ".join(b.author.name for b in obj.bylines.all())

    @admin.display(description=gettext_lazy("View"))
    def links(self, obj: Article) -> str:
        if obj.is_public:
            return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("On site"))
        return format_html(
            '<a href="{}">{}</a>', reverse("newsroom:preview", args=[obj.pk]), _("Preview")
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not services.can_publish(request.user):
            fields += [
                "status",
                "published_at",
                "is_featured",
                "breaking_until",
                "revision_note",
                "review_note",
            ]
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if not services.can_publish(request.user):
            # Marking an update is an editor's call, like publishing.
            form.base_fields.pop("mark_revised", None)
        return form

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if services.can_publish(request.user):
            return fieldsets
        return [
            (name, {**opts, "fields": [f for f in opts["fields"] if f != "mark_revised"]})
            for name, opts in fieldsets
        ]

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is None:
            return super().has_change_permission(request)
        return services.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and not services.can_edit(request.user, obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not services.can_publish(request.user):
            for name in ("publish", "schedule", "unpublish"):
                actions.pop(name, None)
        return actions

    def save_model(self, request, obj: Article, form, change: bool) -> None:
        if not services.can_publish(request.user):
            if obj.status != Article.Status.DRAFT or "status" in form.changed_data:
                raise PermissionDenied("A writer cannot publish.")
            if change and not services.can_edit(request.user, Article.objects.get(pk=obj.pk)):
                raise PermissionDenied("A writer edits only their own drafts.")
        if not change:
            obj.created_by = request.user
        # The version is stored in save_related, once tags, places and bylines are saved.
        services.article_save(
            obj,
            user=request.user,
            store_version=False,
            expected_version=form.cleaned_data.get("opened_version") if change else None,
        )

    def save_related(self, request, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if form.cleaned_data.get("mark_revised"):
            services.article_mark_revised(
                form.instance, note=form.instance.revision_note, user=request.user
            )
        revisions.article_version_create(form.instance, user=request.user)
        editing.editing_clear(form.instance, request.user)
        autosave.autosave_clear(user=request.user, article=form.instance)
        if not change:
            autosave.autosave_clear(user=request.user, article=None)
        self._move_in_review(request, form)

    def _move_in_review(self, request: HttpRequest, form) -> None:
        """Follow the review buttons of the change form, once the edit itself is saved."""
        article = form.instance
        if "_submit_review" in request.POST and article.status in SUBMITTABLE:
            services.article_submit_for_review(article, user=request.user)
            self.message_user(
                request, _("Submitted for review: an editor will publish it or send it back.")
            )
        elif "_send_back" in request.POST and article.status == Article.Status.REVIEW:
            services.article_send_back(
                article, note=form.cleaned_data.get("review_note", ""), user=request.user
            )
            self.message_user(request, _("Sent back to the writer with your note."))
        # Tags, places and bylines are saved after the article: tell listeners again.
        articles_changed.send(sender=Article, ids=[form.instance.pk])

    @admin.action(description=gettext_lazy("Publish selected articles now"), permissions=["change"])
    def publish(self, request, queryset) -> None:
        for article in queryset:
            services.article_publish(article, user=request.user)
        count = len(queryset)
        message = ngettext("Published %(count)d article.", "Published %(count)d articles.", count)
        self.message_user(request, message % {"count": count}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Schedule selected articles at their publication time"))
    def schedule(self, request, queryset) -> None:
        now = timezone.now()
        done = 0
        for article in queryset:
            if article.published_at and article.published_at > now:
                services.article_schedule(article, at=article.published_at, user=request.user)
                done += 1
        skipped = len(queryset) - done
        message = ngettext("Scheduled %(count)d article.", "Scheduled %(count)d articles.", done)
        self.message_user(request, message % {"count": done}, messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d article needs a future publication time to be scheduled.",
                    "%(count)d articles need a future publication time to be scheduled.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

    @admin.action(description=gettext_lazy("Unpublish selected articles"))
    def unpublish(self, request, queryset) -> None:
        for article in queryset:
            services.article_unpublish(article, user=request.user)
        count = len(queryset)
        message = ngettext(
            "Unpublished %(count)d article.", "Unpublished %(count)d articles.", count
        )
        self.message_user(request, message % {"count": count}, messages.SUCCESS)


@admin.register(Author)
class AuthorAdmin(CheckedQueryMixin, SlugAdmin):
    list_display = ["name", "slug", "user"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Section)
class SectionAdmin(CheckedQueryMixin, SlugAdmin):
    list_display = ["name", "slug", "parent", "in_navigation", "position"]
    list_editable = ["in_navigation", "position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(CheckedQueryMixin, SlugAdmin):
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Place)
class PlaceAdmin(CheckedQueryMixin, SlugAdmin):
    list_display = ["name", "kind", "country"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Correction)
class CorrectionAdmin(CheckedQueryMixin, admin.ModelAdmin):
    list_display = ["article", "kind", "created_at"]
    list_filter = ["kind"]
    autocomplete_fields = ["article"]
    search_fields = ["text", "article__title"]

    def get_queryset(self, request):
        # A correction names its article: a writer sees only those of articles they may see.
        visible = services.articles_visible_to(request.user, Article.objects.all())
        return super().get_queryset(request).filter(article__in=visible)


# Django's own user and group admins get the same checks.
@admin.register(User)
class CheckedUserAdmin(CheckedQueryMixin, UserAdmin):
    pass


@admin.register(Group)
class CheckedGroupAdmin(CheckedQueryMixin, GroupAdmin):
    pass
