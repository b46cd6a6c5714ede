from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ensemble.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from ensemble.accounts import notifications  # noqa: F401 - registers the kinds
