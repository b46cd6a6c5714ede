from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "ensemble.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from ensemble.core import sweepers
        from ensemble.notifications.digest import send_due

        sweepers.register("notifications.digest", send_due)
