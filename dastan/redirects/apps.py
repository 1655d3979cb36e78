from django.apps import AppConfig


class RedirectsConfig(AppConfig):
    name = "dastan.redirects"

    def ready(self) -> None:
        from dastan.redirects import receivers

        receivers.connect()
