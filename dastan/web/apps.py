from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "dastan.web"

    def ready(self) -> None:
        from django.core import checks

        from dastan.locale_build import check_catalogues
        from dastan.web.purge import connect_purge

        checks.register(check_catalogues)
        connect_purge()
