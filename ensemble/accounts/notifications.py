"""Notification kinds that accounts sends (registered from AccountsConfig.ready)."""

from django.urls import reverse

from ensemble.core.markdown import escape_markdown
from ensemble.notifications.kinds import Delivery, Kind, register

register(
    Kind(
        key="welcome",
        label="Welcome, after verifying your email",
        default=Delivery.IN_APP,
        describe=lambda n: "Welcome to Ensemble! Your email address is verified.",
        link=lambda n: reverse("accounts:edit_profile"),
    )
)
register(
    Kind(
        key="token_created",
        label="A new API token was created on your account",
        default=Delivery.EMAIL,
        describe=lambda n: (
            f"A new API token “{escape_markdown(n.about.name) if n.about else 'deleted'}” "
            "was created "
            "on your account. If this was not you, revoke it and change your password."
        ),
        link=lambda n: reverse("accounts:tokens"),
    )
)
register(
    Kind(
        key="email_changed",
        label="Your email address was changed",
        default=Delivery.IN_APP,
        describe=lambda n: "Your email address was changed.",
        link=lambda n: reverse("accounts:change_email"),
    )
)
register(
    Kind(
        key="password_changed",
        label="Your password was changed",
        default=Delivery.EMAIL,
        describe=lambda n: (
            "Your password was changed and your API tokens were revoked. "
            "If this was not you, reset your password now."
        ),
        link=lambda n: reverse("accounts:password_reset"),
    )
)
register(
    Kind(
        key="export_ready",
        label="Your data export is ready",
        default=Delivery.EMAIL,
        describe=lambda n: (
            "Your data export is ready to download for the next days (Settings → Your data)."
        ),
        link=lambda n: reverse("accounts:exports"),
    )
)
register(
    Kind(
        key="deletion_scheduled",
        label="Your account is to be deleted",
        default=Delivery.EMAIL,
        describe=lambda n: (
            "Your account is to be deleted, as you asked. Until then you can cancel it "
            "(Settings → Delete your account)."
        ),
        link=lambda n: reverse("accounts:delete_account"),
    )
)
