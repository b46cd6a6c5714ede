from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "ensemble.payments"
    label = "payments"
    verbose_name = "Payments"
