"""Accounts' own pages. Mounted by `front/accounts_urls.py` in the `accounts` namespace,
beside the profile page, which shows several apps (`accounts:profile`)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from ensemble.accounts import block_views, deletion_views, export_views, passwords, views

urlpatterns = [
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/signup/sent/", views.signup_sent, name="signup_sent"),
    path("accounts/login/", views.login_view, name="login"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("accounts/verify/resend/", views.resend_verification, name="resend_verification"),
    path("accounts/verify/<str:token>/", views.verify_email, name="verify_email"),
    path("accounts/password/reset/", passwords.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        passwords.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("settings/password/", passwords.PasswordChangeView.as_view(), name="password_change"),
    path("settings/profile/", views.edit_profile, name="edit_profile"),
    path("settings/email/", views.change_email, name="change_email"),
    path(
        "accounts/email/confirm/<str:token>/",
        views.confirm_email_change,
        name="confirm_email_change",
    ),
    path("settings/tokens/", views.tokens, name="tokens"),
    path("settings/blocked/", block_views.blocked, name="blocked"),
    path("settings/data/", export_views.exports_page, name="exports"),
    path("settings/delete/", deletion_views.delete_account, name="delete_account"),
    path("settings/delete/cancel", deletion_views.cancel_deletion, name="cancel_deletion"),
    path("settings/data/export", export_views.start_export, name="start_export"),
    path("settings/data/<id:export_id>.zip", export_views.download_export, name="download_export"),
    path("@<str:username>/block", block_views.block, name="block"),
    path("settings/tokens/<id:token_id>/revoke/", views.revoke_token, name="revoke_token"),
]
