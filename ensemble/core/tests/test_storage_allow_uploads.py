"""`ensemble storage allow-uploads`: the bucket's CORS rule that lets the site's pages send
upload parts straight to it (records.direct), against a real S3 server."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ensemble.core import filestore, multipart

pytestmark = pytest.mark.django_db


def rules(s3_url: str) -> list[dict]:
    bucket = filestore.records._bucket()
    return list(bucket.client.get_bucket_cors(Bucket=bucket.bucket_name)["CORSRules"])


def test_the_sites_origin_may_put_parts_and_other_rules_stay(settings, s3_storage):
    bucket = filestore.records._bucket()
    theirs = {
        "ID": "their-cdn",
        "AllowedOrigins": ["https://cdn.example"],
        "AllowedMethods": ["GET"],
    }
    bucket.client.put_bucket_cors(
        Bucket=bucket.bucket_name, CORSConfiguration={"CORSRules": [theirs]}
    )
    settings.SITE_URL = "https://ensemble.example.org/some/path"
    out = StringIO()
    call_command("storage", "allow-uploads", stdout=out)
    call_command("storage", "allow-uploads", stdout=StringIO())  # again: one rule of ours
    assert "https://ensemble.example.org may now send uploads" in out.getvalue()
    found = {rule.get("ID"): rule for rule in rules(s3_storage)}
    assert set(found) == {"their-cdn", multipart.CORS_RULE_ID}
    ours = found[multipart.CORS_RULE_ID]
    assert (ours["AllowedOrigins"], ours["AllowedMethods"]) == (
        ["https://ensemble.example.org"],
        ["GET", "HEAD", "PUT"],
    )
    bucket.client.delete_bucket_cors(Bucket=bucket.bucket_name)


def test_a_site_keeping_files_on_its_disk_has_no_bucket_to_open(local_storage):
    with pytest.raises(CommandError, match="STORAGE_URL is unset"):
        call_command("storage", "allow-uploads", stdout=StringIO())


def test_migrate_still_says_where_to():
    with pytest.raises(CommandError, match="--to"):
        call_command("storage", "migrate", stdout=StringIO())
