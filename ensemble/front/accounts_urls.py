"""The `accounts` URL names, composed here: accounts' own pages (accounts/urls.py) and
the profile page, which shows several apps (front/profile.py). Declared once, here, for
the reason front/urls.py gives: Django reverses a namespace from one `include` only."""

from django.urls import path

from ensemble.accounts import urls as accounts_urls
from ensemble.front import profile

app_name = "accounts"

urlpatterns = [
    *accounts_urls.urlpatterns,
    path("@<str:username>/", profile.profile, name="profile"),
]
