from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "dastan.content"
    verbose_name = "Content"

    def ready(self) -> None:
        from dastan.content import listings
        from dastan.content.versioning import connect_version_bumps

        connect_version_bumps()
        listings.connect()
