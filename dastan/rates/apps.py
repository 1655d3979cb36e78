from django.apps import AppConfig


class RatesConfig(AppConfig):
    name = "dastan.rates"
