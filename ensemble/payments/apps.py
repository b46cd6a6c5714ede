from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "ensemble.payments"
    label = "payments"
    verbose_name = "Payments"

    def ready(self) -> None:
        from ensemble.payments import notifications  # noqa: F401 - registers the kinds
