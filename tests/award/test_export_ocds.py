"""tendercare export ocds REF --output FILE [--record]."""

import json

import pytest

from tendercare.cli import main
from tendercare.procurement.models import State

pytestmark = pytest.mark.django_db


def test_export_writes_the_release_package(confirmed, tmp_path):
    out = tmp_path / "hc.json"
    main(["export", "ocds", "HC-2026-01", "--output", str(out)])
    package = json.loads(out.read_text())
    assert len(package["releases"]) == 5


def test_export_record_package(confirmed, tmp_path):
    out = tmp_path / "hc-record.json"
    main(["export", "ocds", "HC-2026-01", "--output", str(out), "--record"])
    assert json.loads(out.read_text())["records"][0]["compiledRelease"]["awards"]


def test_unknown_reference_exits_non_zero(db, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["export", "ocds", "NOPE", "--output", str(tmp_path / "x.json")])
    assert exit_info.value.code != 0
    assert "no procurement with reference NOPE" in capsys.readouterr().err
    assert not (tmp_path / "x.json").exists()


def test_unpublished_procurement_exits_non_zero(procurement, tmp_path, capsys):
    procurement.state = State.DRAFT
    procurement.save()
    with pytest.raises(SystemExit) as exit_info:
        main(["export", "ocds", "HC-2026-01", "--output", str(tmp_path / "x.json")])
    assert exit_info.value.code != 0
    assert "has not been published" in capsys.readouterr().err
