"""Checks other apps add to records workflows, without records importing them.

`licence_checks`: called as `check(record, new_licence)` before a record's licence
changes; each raises `records.intake.Refused` to stop it (lineage registers the check
that a remix's licence still honours its sources' terms).

`on_publish`: called as `hook(record, by)` inside the transaction that publishes a
record (lineage tells the owners of its sources that their work was used).

`record_page`: called as `hook(request, record)` by the record page; returns HTML
fragments by place (`byline` under the title, `main` below the viewer, `aside` in the
side column) that the page shows as they are (lineage adds sources, "used in" and
credits).

`upload_form`: called as `hook(request)` by the upload and write pages; returns
`{"html": …, "licence": …}`: fields to add to the form (lineage adds "built on another
work?" with its picker) and the licence to propose (what a remix's ancestry allows).

`after_upload`: called as `hook(request, record)` after the upload or write page created
a record (lineage cites the sources given in the form; a refusal becomes a message, the
record stays a draft to fix).

`on_ready`: called as `hook(record)` after a record's first version became ready and
that was committed (projects enters a record uploaded straight into a call). Runs in the
worker; a hook that fails is logged and leaves the ready version as it is.

`browse_orders`: name → (label, function ordering a Record queryset): the browse page's
"Sort" choices besides newest (community adds "trending"); pages then go by number.

`browse_filters`: name → (label, function narrowing a Record queryset). Browse and
`GET /api/v1/records` apply each one whose name is given a true value
(`?never_remixed=1`; lineage adds that one).

`browse_values`: name → function `narrow(records, value, viewer)` narrowing a Record
queryset by the value of `?name=…` in browse and `GET /api/v1/records` (projects adds
`call`: the entries of a call the viewer may see). A value it cannot use narrows to
nothing; it never raises.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ensemble.records.models import Record

licence_checks: list[Callable[[Record, str], None]] = []
on_publish: list[Callable[[Record, Any], None]] = []
record_page: list[Callable[[Any, Record], dict[str, str]]] = []
browse_filters: dict[str, tuple[str, Callable[[Any], Any]]] = {}
browse_orders: dict[str, tuple[str, Callable[[Any], Any]]] = {}
browse_values: dict[str, Callable[[Any, str, Any], Any]] = {}
upload_form: list[Callable[[Any], dict[str, Any]]] = []
after_upload: list[Callable[[Any, Record], None]] = []
on_ready: list[Callable[[Record], None]] = []
