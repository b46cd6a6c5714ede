from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "ensemble.community"
    label = "community"
    verbose_name = "Community"

    def ready(self) -> None:
        from ensemble.community import notifications  # noqa: F401 - registers the kinds
        from ensemble.community.services import trending
        from ensemble.core import sweepers

        sweepers.register("community.trending", trending.sweep)
