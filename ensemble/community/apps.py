from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "ensemble.community"
    label = "community"
    verbose_name = "Community"

    def ready(self) -> None:
        from ensemble.community import notifications  # noqa: F401 - registers the kinds
        from ensemble.community.record_page import sections
        from ensemble.records import hooks

        hooks.record_page.append(sections)

        from ensemble.community.services import trending
        from ensemble.core import sweepers

        sweepers.register("community.trending", trending.sweep)
        hooks.browse_orders["trending"] = ("Trending", trending.ordered)
