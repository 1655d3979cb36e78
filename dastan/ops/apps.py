from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "dastan.ops"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core.signals import request_started

        from dastan.ops.routers import request_begin

        # Each request starts on the replica unless it may write (dastan/ops/routers.py).
        request_started.connect(request_begin, dispatch_uid="ops-replica-router")
