from django.apps import AppConfig


class TimelinesConfig(AppConfig):
    name = "ensemble.timelines"
    label = "timelines"
    verbose_name = "Timelines"

    def ready(self) -> None:
        from ensemble.core import sweepers
        from ensemble.timelines.rendering import requeue_stalled

        sweepers.register("timelines.requeue_stalled", requeue_stalled)
