from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ensemble.core"
    label = "core"
    verbose_name = "Shared plumbing"

    def ready(self) -> None:
        from ensemble.core import ids, tasklog

        tasklog.connect()  # one log line per task, wherever tasks run
        ids.register()  # `<id:…>` in every app's urls.py: ids past 2**63 - 1 are a 404
