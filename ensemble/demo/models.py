"""What the demo leaves behind besides the story itself: the accounts to try it with."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class DemoAccount(models.Model):
    """A demo member one may sign in as. The password is kept in the clear on purpose, so
    the home page can show it while the site runs with DEBUG on; it is made at random
    for each demo, and an account that is not a demo account never has a row here."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(max_length=120)  # "the producer", shown beside the name
    password = models.CharField(max_length=64)
    position = models.PositiveSmallIntegerField(default=0)  # the order the home page shows

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"demo account {self.user_id}"
