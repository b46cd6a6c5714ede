from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "ensemble.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from ensemble.core import memberpages, sweepers
        from ensemble.notifications.digest import send_due
        from ensemble.notifications.services import header_stamp

        sweepers.register("notifications.digest", send_due)
        memberpages.stamp(header_stamp)  # the header's count, on every member's page
