"""STORAGE_URL read into Django's STORAGES, and refused when it cannot be right."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from ensemble.core.storage_url import BUCKET, LOCAL, media_origin, storages_from_url

ROOTS = {"records": Path("/srv/records"), "exports": Path("/srv/exports")}


def read(raw: str) -> dict:
    return storages_from_url("STORAGE_URL", raw, roots=ROOTS, media_url="/media/")


def test_unset_means_local_folders():
    found = read("")
    assert found["default"] == {"BACKEND": LOCAL}
    assert found["records"]["OPTIONS"] == {"location": "/srv/records"}
    assert found["exports"]["BACKEND"] == LOCAL
    assert media_origin("") == []


def test_a_bucket_url_gives_every_area_its_prefix():
    found = read("s3://KEY:S%2Fecret@media-bucket/site-a?endpoint=http://10.0.0.5:8333&region=eu-1")
    records = found["records"]["OPTIONS"]
    assert found["records"]["BACKEND"] == BUCKET
    assert records["bucket_name"] == "media-bucket"
    assert records["location"] == "site-a/records"
    assert found["exports"]["OPTIONS"]["location"] == "site-a/exports"
    assert found["default"]["OPTIONS"]["location"] == "site-a/media"
    assert found["default"]["OPTIONS"]["served_at"] == "/media/"  # avatars keep stable URLs
    assert (records["access_key"], records["secret_key"]) == ("KEY", "S/ecret")
    assert records["endpoint_url"] == "http://10.0.0.5:8333"
    assert records["region_name"] == "eu-1"
    assert records["default_acl"] is None  # private: only links the site signs read it


def test_without_keys_boto3_finds_them_itself():
    options = read("s3://media-bucket")["records"]["OPTIONS"]
    assert "access_key" not in options
    assert options["location"] == "records"
    assert options["endpoint_url"] is None


def test_the_pages_may_load_media_from_where_browsers_reach_the_store():
    assert media_origin("s3://b-1?endpoint=http://10.0.0.5:8333") == ["http://10.0.0.5:8333"]
    public = "s3://b-1?endpoint=http://10.0.0.5:8333&public=https://media.example.org/x"
    assert media_origin(public) == ["https://media.example.org"]
    virtual = "s3://b-1?endpoint=https://s3.example.net&addressing=virtual"
    assert media_origin(virtual) == ["https://*.s3.example.net"]
    assert media_origin("s3://b-1") == ["https://*.amazonaws.com"]


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("https://bucket", "must start with s3://"),
        ("file:///srv/media", "must start with s3://"),
        ("s3://", "names no bucket"),
        ("s3://ab", "names no bucket"),
        ("s3://" + "b" * 64, "names no bucket"),
        ("s3://bucket?endpont=http://x", "unknown option(s) endpont"),
        ("s3://bucket?addressing=sideways", "addressing must be path or virtual"),
        ("s3://bucket?endpoint=ftp://x", "endpoint must be an http(s) address"),
        ("s3://bucket?public=javascript:alert(1)", "public must be an http(s) address"),
    ],
)
def test_a_wrong_url_is_refused_saying_why(raw, says):
    with pytest.raises(ImproperlyConfigured, match="STORAGE_URL") as refused:
        read(raw)
    assert says in str(refused.value)
