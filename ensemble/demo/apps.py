from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "ensemble.demo"
    label = "demo"
    verbose_name = "Demo"
