from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "ensemble.moderation"
    label = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        from ensemble.accounts import exports
        from ensemble.moderation import (
            exporting,
            notifications,  # noqa: F401 - registers the kinds
        )

        exports.register("moderation", exporting.collect)
