"""Case-insensitive lookups of members use the unique indexes on LOWER(username/email)."""

import pytest

from ensemble.accounts.models import User
from ensemble.core.testing import query_plan


@pytest.mark.parametrize(
    ("queryset", "index"),
    [
        (lambda: User.objects.with_username("ALICE"), "accounts_username_ci_unique"),
        (lambda: User.objects.with_email("Alice@Example.org"), "accounts_email_ci_unique"),
    ],
)
def test_lookups_by_name_and_email_use_the_unique_index(db, queryset, index):
    assert index in query_plan(queryset())


def test_lookups_ignore_case_on_both_sides(alice):
    assert User.objects.with_username("ALICE").get() == alice
    assert User.objects.with_email("ALICE@EXAMPLE.ORG").get() == alice
    assert User.objects.with_login("Alice@example.org").get() == alice
    assert User.objects.with_login("aLiCe").get() == alice
