from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "dastan.search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from dastan.search import checks, indexing
        from dastan.search.backends import sqlite_fts5

        indexing.connect()
        checks.register()
        connection_created.connect(
            sqlite_fts5.new_database_auto_vacuum, dispatch_uid="search.auto_vacuum"
        )
