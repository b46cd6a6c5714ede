from django.apps import AppConfig


class FrontConfig(AppConfig):
    name = "ensemble.front"
    label = "front"
    verbose_name = "Front"
