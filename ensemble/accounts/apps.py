from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ensemble.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from ensemble.accounts import (
            exports,
            notifications,  # noqa: F401 - registers the kinds
        )
        from ensemble.core import sweepers

        sweepers.register("accounts.exports", exports.sweep)
        from ensemble.accounts import deletion

        sweepers.register("accounts.deletion", deletion.sweep)
