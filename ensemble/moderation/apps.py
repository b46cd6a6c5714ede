from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "ensemble.moderation"
    label = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        from ensemble.moderation import notifications  # noqa: F401 - registers the kinds
