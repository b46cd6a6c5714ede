from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ensemble.core"
    label = "core"
    verbose_name = "Shared plumbing"

    def ready(self) -> None:
        from ensemble.core import tasklog

        tasklog.connect()  # one log line per task, wherever tasks run
