from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "ensemble.payments"
    label = "payments"
    verbose_name = "Payments"

    def ready(self) -> None:
        from ensemble.accounts import exports
        from ensemble.payments import comment_policy, notifications, personal_data  # noqa: F401 - registers them

        exports.register("earnings", personal_data.collect)
        from ensemble.accounts import deletion

        deletion.money_owed.append(personal_data.owed)
