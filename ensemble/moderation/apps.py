from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "ensemble.moderation"
    label = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        from ensemble.accounts import exports
        from ensemble.moderation import (
            notifications,  # noqa: F401 - registers the kinds
            personal_data,
        )

        exports.register("moderation", personal_data.collect)
