from django.apps import AppConfig


class EditionsConfig(AppConfig):
    name = "dastan.editions"

    def ready(self) -> None:
        from dastan.editions import checks

        checks.register()
