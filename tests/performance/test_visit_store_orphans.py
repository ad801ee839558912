"""Files whose import is not DONE are never read: an import rolled back with the transaction
around it, or one marked failed, leaves files the store ignores and that never block the same
file being imported again."""

from __future__ import annotations

import pytest
from django.db import transaction

from tendercare.performance import visit_store
from tendercare.performance.models import VisitImport

from .test_visit_import import GOOD, csv_bytes, run, stored


class Rollback(Exception):
    pass


def test_files_of_a_rolled_back_import_are_ignored_and_do_not_block_a_reimport(medway):
    with pytest.raises(Rollback), transaction.atomic():
        vi = run(medway.council, csv_bytes(GOOD))
        assert vi.status == VisitImport.Status.DONE and len(stored()) == 3
        raise Rollback
    # The row went with the transaction; its files are still on disc.
    assert not VisitImport.objects.exists()
    left = visit_store.files([medway.council.pk], done_only=False)
    assert left and visit_store.files([medway.council.pk]) == []
    assert stored() == []

    again = run(medway.council, csv_bytes(GOOD))
    assert again.status == VisitImport.Status.DONE, again.errors
    assert sorted(r["visit_id"] for r in stored()) == ["V1", "V2", "V3"]


def test_an_import_no_longer_done_is_not_read(medway):
    vi = run(medway.council, csv_bytes(GOOD))
    assert len(stored()) == 3
    VisitImport.objects.filter(pk=vi.pk).update(status=VisitImport.Status.WITHDRAWN)
    assert stored() == []
    assert visit_store.visit_ids_stored(medway.council.pk, ["V1"]) == {}
