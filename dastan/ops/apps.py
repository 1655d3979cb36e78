from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "dastan.ops"
    default_auto_field = "django.db.models.BigAutoField"
