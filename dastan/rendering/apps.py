from django.apps import AppConfig


class RenderingConfig(AppConfig):
    name = "dastan.rendering"
