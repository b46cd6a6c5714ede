from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "ensemble.community"
    label = "community"
    verbose_name = "Community"

    def ready(self) -> None:
        from ensemble.accounts import blocks
        from ensemble.community import notifications  # noqa: F401 - registers the kinds
        from ensemble.community.services import follows, trending
        from ensemble.core import sweepers

        blocks.on_block.append(follows.drop_follows_across)
        from ensemble.accounts import exports
        from ensemble.community import personal_data

        exports.register("community", personal_data.collect)
        from ensemble.accounts import deletion

        deletion.on_erase.append(personal_data.erase)
        sweepers.register("community.trending", trending.sweep)
