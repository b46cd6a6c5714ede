from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "ensemble.payments"
    label = "payments"
    verbose_name = "Payments"

    def ready(self) -> None:
        from ensemble.payments import comment_policy, notifications  # noqa: F401 - registers them
