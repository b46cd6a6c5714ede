"""The OpenAPI description is honest: one name per schema, every answer documented.

Ninja builds each operation's schemas separately and pours their definitions into one
`components.schemas` dict, so two classes that share a name silently overwrite each other
(a call's entry described with a pool entry's fields). The recorder below sees which class
each component name came from while ninja builds the real document.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import ninja.openapi.schema
import pytest
from ninja.schema import NinjaGenerateJsonSchema

from ensemble.api import api
from ensemble.core.api import ERRORS


class _Recorder:
    """Component name → the classes (module.qualname) and schemas generated under it."""

    def __init__(self) -> None:
        self.classes: dict[str, set[str]] = defaultdict(set)
        self.schemas: dict[str, set[str]] = defaultdict(set)

    def generator(self) -> type[NinjaGenerateJsonSchema]:
        recorder = self

        class RecordingGenerator(NinjaGenerateJsonSchema):
            def _build_definitions_remapping(self) -> Any:
                self._final_names = super()._build_definitions_remapping()
                return self._final_names

            def generate(self, schema: Any, mode: Any = "validation") -> Any:
                result = super().generate(schema, mode)
                for defs_ref, (core_ref, _mode) in self.defs_to_core_refs.items():
                    if defs_ref not in self.definitions:
                        continue
                    name = self._final_names.remap_defs_ref(defs_ref)
                    recorder.classes[name].add(core_ref.rsplit(":", 1)[0])
                for name, definition in result.get("$defs", {}).items():
                    recorder.schemas[name].add(json.dumps(definition, sort_keys=True))
                return result

        return RecordingGenerator


@pytest.fixture(scope="module")  # both tests read the one build (half a second)
def recorded():
    recorder = _Recorder()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ninja.openapi.schema, "NinjaGenerateJsonSchema", recorder.generator())
        document = api.build_openapi_schema(api.get_root_path({}))  # built now, not cached
    return recorder, document


def test_no_two_schema_classes_share_a_component_name(recorded):
    recorder, _document = recorded

    shared = {name: sorted(found) for name, found in recorder.classes.items() if len(found) > 1}

    assert recorder.classes  # the recorder saw ninja build the document
    assert shared == {}


def test_each_component_is_described_one_way_only(recorded):
    # The same class read as a request and written as a response must not differ either:
    # whichever operation came last would win.
    recorder, document = recorded

    differing = sorted(name for name, found in recorder.schemas.items() if len(found) > 1)

    assert differing == []
    assert set(recorder.schemas) <= set(document["components"]["schemas"])


def test_call_entries_and_record_kinds_are_described_by_their_own_classes(client, db):
    document = client.get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    submit = document["paths"]["/api/v1/calls/{call_id}/entries"]["post"]
    body = submit["requestBody"]["content"]["application/json"]["schema"]
    records = document["paths"]["/api/v1/records"]["get"]["parameters"]
    kind = next(p for p in records if p["name"] == "kind")["schema"]["anyOf"][0]

    assert body == {"$ref": "#/components/schemas/CallEntryIn"}
    assert set(schemas["CallEntryIn"]["properties"]) == {"record_id"}
    assert kind["enum"] == ["text", "image", "audio", "video", "other"]
    assert kind["title"] == "RecordKind"


def _operations(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            yield f"{method.upper()} {path}", operation


def test_every_operation_documents_the_errors_any_request_can_meet(client, db):
    document = client.get("/api/v1/openapi.json").json()
    shared = {str(status) for status in ERRORS}

    missing = {
        name: sorted(shared - set(operation["responses"]))
        for name, operation in _operations(document)
        if shared - set(operation["responses"])
    }

    assert missing == {}


def test_error_descriptions_name_the_codes_and_429_its_retry_after(client, db):
    document = client.get("/api/v1/openapi.json").json()
    _name, operation = next(_operations(document))
    responses = operation["responses"]

    assert "`malformed_json`" in responses["400"]["description"]
    assert "`csrf_failed`" in responses["403"]["description"]
    assert responses["429"]["headers"]["Retry-After"]["schema"]["type"] == "integer"
    assert all(
        "Retry-After" in op["responses"]["429"]["headers"] for _name, op in _operations(document)
    )


def test_credits_document_their_json_ld_media_type(client, db):
    document = client.get("/api/v1/openapi.json").json()
    credits = document["paths"]["/api/v1/records/{record_id}/credits"]["get"]

    content = credits["responses"]["200"]["content"]

    assert set(content) == {"application/json", "application/ld+json"}
    assert content["application/ld+json"]["schema"]["properties"]["@context"] == {
        "const": "https://schema.org"
    }


def test_the_description_is_built_once_and_each_caller_gets_a_copy_of_its_own(client, db):
    first = api.get_openapi_schema()
    built = api.build_openapi_schema(api.get_root_path({}))
    first["paths"].clear()

    assert api.get_openapi_schema() == built
    assert client.get("/api/v1/openapi.json").json()["paths"].keys() == built["paths"].keys()
