from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


def _sync_roles(sender, **kwargs) -> None:
    from dastan.newsroom.roles import roles_sync

    roles_sync()


class NewsroomAdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin`` with the newsroom's site as ``admin.site``."""

    default = False  # The newsroom app's own config stays NewsroomConfig.
    default_site = "dastan.newsroom.sites.NewsroomAdminSite"


class NewsroomConfig(AppConfig):
    name = "dastan.newsroom"
    verbose_name = "Newsroom"

    def ready(self) -> None:
        from django.apps import apps

        # After content migrates, so that its permissions exist before the groups use them.
        post_migrate.connect(_sync_roles, sender=apps.get_app_config("content"))
