from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "dastan.search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dastan.search import checks, indexing

        indexing.connect()
        checks.register()
