from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "ensemble.search"
    label = "search"
    verbose_name = "Search"
