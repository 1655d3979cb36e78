from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "dastan.content"
    verbose_name = "Content"
