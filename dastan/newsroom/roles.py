"""Newsroom roles as auth groups: a Writer drafts, an Editor publishes and edits everything."""

from __future__ import annotations

WRITER = "Writer"
EDITOR = "Editor"

# App label -> permission codenames for each role.
ROLE_PERMISSIONS: dict[str, dict[str, list[str]]] = {
    WRITER: {
        "content": [
            "add_article",
            "change_article",
            "view_article",
            "add_articleauthor",
            "change_articleauthor",
            "delete_articleauthor",
            "view_articleauthor",
            "view_section",
            "view_tag",
            "add_tag",
            "view_place",
            "view_author",
            "view_correction",
        ],
        # Writers upload pictures and make galleries for their stories.
        "media": [
            "add_image",
            "change_image",
            "view_image",
            "add_gallery",
            "change_gallery",
            "view_gallery",
            "add_galleryimage",
            "change_galleryimage",
            "delete_galleryimage",
            "view_galleryimage",
        ],
    },
    EDITOR: {
        "content": [
            "add_article",
            "change_article",
            "view_article",
            "delete_article",
            "publish_article",
            "edit_any_article",
            "add_articleauthor",
            "change_articleauthor",
            "delete_articleauthor",
            "view_articleauthor",
            "add_section",
            "change_section",
            "view_section",
            "add_tag",
            "change_tag",
            "view_tag",
            "delete_tag",
            "add_place",
            "change_place",
            "view_place",
            "add_author",
            "change_author",
            "view_author",
            "add_correction",
            "change_correction",
            "view_correction",
            "delete_correction",
        ],
        "media": [
            "add_image",
            "change_image",
            "view_image",
            "delete_image",
            "add_gallery",
            "change_gallery",
            "view_gallery",
            "delete_gallery",
            "add_galleryimage",
            "change_galleryimage",
            "delete_galleryimage",
            "view_galleryimage",
        ],
    },
}


def roles_sync() -> None:
    """Create or refresh the Writer and Editor groups with their permissions."""
    from django.contrib.auth.models import Group, Permission

    for role, by_app in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        perms = [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codenames in by_app.items()
            for codename in codenames
        ]
        group.permissions.set(perms)
