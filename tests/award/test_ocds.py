"""OCDS 1.1 output: valid (libcoveocds offline with the shipped standard zip and extension; and
jsonschema against the core schema patched with the lots extension), compiles with ocdskit,
reveals nothing sealed and nothing personal."""

import datetime as dt
import functools
import http.server
import json
import threading

import jsonschema
import pytest
from django.utils import timezone
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from tendercare.award import ocds
from tendercare.procurement.models import State

pytestmark = pytest.mark.django_db

ZIP = ocds.DATA / "standard-1__1__5.zip"


@pytest.fixture(scope="module")
def extension_server():
    """Serve the shipped lots extension on 127.0.0.1, as libcoveocds downloads extensions."""
    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(ocds.DATA / "lots")
    )
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/extension.json"
    server.shutdown()


def libcove(package: dict, extension_url: str, tmp_path) -> dict:
    from libcoveocds.api import ocds_json_output
    from libcoveocds.config import LibCoveOCDSConfig

    local = json.loads(json.dumps(package).replace(ocds.LOTS_EXTENSION, extension_url))
    config = LibCoveOCDSConfig()
    config.config["standard_zip"] = f"file://{ZIP}"
    config.config["context"] = "api"
    return ocds_json_output(str(tmp_path), json_data=local, lib_cove_ocds_config=config)


def patched_validator():
    release = ocds.patched_release_schema()
    package = json.loads((ocds.DATA / "release-package-schema.json").read_text())
    record = json.loads((ocds.DATA / "record-package-schema.json").read_text())
    registry = Registry().with_resources(
        [
            (
                "https://standard.open-contracting.org/schema/1__1__5/release-schema.json",
                Resource.from_contents(release, default_specification=DRAFT4),
            ),
        ]
    )
    checker = jsonschema.Draft4Validator.FORMAT_CHECKER
    return (
        jsonschema.Draft4Validator(package, registry=registry, format_checker=checker),
        jsonschema.Draft4Validator(record, registry=registry, format_checker=checker),
        jsonschema.Draft4Validator(release, format_checker=checker),
    )


def test_release_package_validates_with_libcoveocds(confirmed, extension_server, tmp_path):
    package = ocds.release_package(confirmed.procurement)
    report = libcove(package, extension_server, tmp_path)
    assert report["validation_errors"] == []
    assert report["extensions"]["invalid_extension"] == {}
    assert report["extensions"]["is_extended_schema"] is True
    assert report["additional_fields"] == []  # lots are known through the extension
    assert report["additional_closed_codelist_values"] == {}


def test_release_per_stage_with_the_right_tags(confirmed):
    package = ocds.release_package(confirmed.procurement)
    assert package["version"] == "1.1"
    assert package["extensions"] == [ocds.LOTS_EXTENSION]
    releases = package["releases"]
    assert [r["tag"] for r in releases] == [
        ["planning"],
        ["tender"],
        ["award"],
        ["award"],
        ["contract"],
    ]
    assert {r["ocid"] for r in releases} == {"ocds-tcare-HC-2026-01"}
    assert len({r["id"] for r in releases}) == 5
    tender = releases[1]["tender"]
    assert tender["procurementMethod"] == "open"
    assert "Open procedure" in tender["procurementMethodDetails"]
    assert [lot["id"] for lot in tender["lots"]] == ["1", "2"]
    assert [item["relatedLot"] for item in tender["items"]] == ["1", "2"]
    assert tender["tenderPeriod"]["endDate"].endswith("Z")
    assert tender["numberOfTenderers"] == 4
    intention = releases[2]["awards"]
    assert {a["status"] for a in intention} == {"pending"}
    awards = releases[3]["awards"]
    assert [(a["relatedLots"], a["suppliers"][0]["name"]) for a in awards] == [
        (["1"], "Riverside Care Ltd"),
        (["1"], "Hilltop Homecare"),
        (["1"], "Valley Support CIC"),
        (["2"], "Hilltop Homecare"),
    ]
    assert awards[0]["value"] == {"amount": 619500, "currency": "GBP"}
    contracts = releases[4]["contracts"]
    assert {c["awardID"] for c in contracts} == {a["id"] for a in awards}
    assert contracts[0]["period"]["startDate"] == "2027-04-01T00:00:00Z"
    roles = {p["name"]: p["roles"] for p in releases[4]["parties"]}
    assert roles["Medway Council"] == ["buyer", "procuringEntity"]
    assert roles["Riverside Care Ltd"] == ["tenderer", "supplier"]
    assert roles["Coastline Care"] == ["tenderer"]


def test_compiles_with_ocdskit_into_a_record(confirmed, extension_server, tmp_path):
    package = ocds.release_package(confirmed.procurement)
    record_package = ocds.record_package(package)
    (record,) = record_package["records"]
    compiled = record["compiledRelease"]
    assert compiled["tag"] == ["compiled"]
    assert [lot["id"] for lot in compiled["tender"]["lots"]] == ["1", "2"]
    assert {lot["status"] for lot in compiled["tender"]["lots"]} == {"complete"}
    assert compiled["tender"]["status"] == "complete"
    assert len(compiled["awards"]) == 4
    assert {a["status"] for a in compiled["awards"]} == {"active"}
    assert len(compiled["contracts"]) == 4
    assert len(record["releases"]) == 5
    _, record_validator, release_validator = patched_validator()
    assert list(release_validator.iter_errors(compiled)) == []
    assert list(record_validator.iter_errors(record_package)) == []
    record["compiledRelease"]["tag"] = "compiled"  # the validator does look inside
    assert list(record_validator.iter_errors(record_package))


def test_release_package_validates_against_the_patched_schema(confirmed):
    package_validator, _, release_validator = patched_validator()
    package = ocds.release_package(confirmed.procurement)
    assert list(package_validator.iter_errors(package)) == []
    for release in package["releases"]:
        assert list(release_validator.iter_errors(release)) == []
    # and the validator does catch a broken release
    broken = dict(package["releases"][1], tag="tender")
    assert list(release_validator.iter_errors(broken))


def test_no_personal_data(confirmed, commissioner):
    text = ocds.dumps(ocds.release_package(confirmed.procurement))
    text += ocds.dumps(ocds.record_package(ocds.release_package(confirmed.procurement)))
    for value in (
        commissioner.username,
        commissioner.first_name,
        commissioner.last_name,
        commissioner.email or "@",
    ):
        assert value not in text


def test_nothing_sealed_while_bids_are_open(procurement, bids):
    procurement.state = State.PUBLISHED
    procurement.bid_deadline = timezone.now() + dt.timedelta(days=7)
    procurement.save()
    package = ocds.release_package(procurement)
    text = ocds.dumps(package)
    assert [r["tag"] for r in package["releases"]] == [["planning"], ["tender"]]
    assert "tenderers" not in package["releases"][1]["tender"]
    for provider in bids.zone_bids:
        assert provider.provider.name not in text
    assert "24.1" not in text


def test_no_awards_before_the_letters(proposed):
    package = ocds.release_package(proposed)
    assert [r["tag"] for r in package["releases"]] == [["planning"], ["tender"]]
    assert "awards" not in ocds.dumps(package)


def test_bidders_stay_unnamed_until_the_intention_to_award(proposed, bids):
    # Bids are closed and evaluated, awards proposed, but no letters yet.
    text = ocds.dumps(ocds.release_package(proposed))
    assert "tenderers" not in text
    for bid in bids.zone_bids:
        assert bid.provider.name not in text


def test_bidders_are_named_once_letters_are_sent(issued, bids):
    package = ocds.release_package(issued)
    tender = package["releases"][1]["tender"]
    assert {t["name"] for t in tender["tenderers"]} >= {b.provider.name for b in bids.zone_bids}


def test_draft_is_not_published(procurement):
    procurement.state = State.DRAFT
    procurement.save()
    with pytest.raises(ocds.NotPublished):
        ocds.release_package(procurement)
