"""Writes that were not audited: the built-in KPI definitions refreshed from kpis.py, and a
dispute carried to the new adjustment when its statement is re-issued."""

from __future__ import annotations

import pytest

from tendercare.core.audit import history_for
from tendercare.performance import kpi_engine, kpis, statements
from tendercare.performance.models import KpiDefinition

from .kpi_setup import monitored_fixture  # noqa: F401 - fixture
from .test_statements import issue, result, setup_terms

pytestmark = pytest.mark.django_db


def test_refreshing_the_builtin_definitions_audits_each_row_it_writes(db):
    KpiDefinition.objects.filter(code="missed").update(description="Old wording")
    KpiDefinition.objects.filter(code="fft_positive").delete()
    assert kpi_engine.builtin_kpis_ensure() == 2
    missed = KpiDefinition.objects.get(code="missed")
    changed = list(history_for(missed))
    assert len(changed) == 1
    assert changed[0].action == "update"
    assert changed[0].before["description"] == "Old wording"
    assert changed[0].after["description"] == kpis.BY_CODE["missed"].description
    added = list(history_for(KpiDefinition.objects.get(code="fft_positive")))
    assert [e.action for e in added] == ["create"]
    # Nothing to change: nothing written, nothing audited.
    assert kpi_engine.builtin_kpis_ensure() == 0
    assert history_for(missed).count() == 1
    untouched = KpiDefinition.objects.get(code="punctuality")
    assert not history_for(untouched).exists()


def test_reissuing_audits_the_dispute_carried_to_the_new_adjustment(
    monitored, commissioner, provider_user
):
    setup_terms(monitored, commissioner)
    result(monitored, "punctuality", "75")
    statement = issue(monitored, commissioner)
    first = statement.adjustments.get()
    dispute = statements.dispute_raise(
        statement=statement, adjustment=first, reason="ECM outage", by=provider_user
    )
    statements.dispute_resolve(
        dispute=dispute, outcome="rejected", resolution="The data are right", by=commissioner
    )
    before = history_for(dispute).count()
    issue(monitored, commissioner)
    dispute.refresh_from_db()
    second = dispute.adjustment
    assert second is not None and second.pk != first.pk
    assert second.amount == first.amount < 0
    entries = list(history_for(dispute).order_by("pk"))
    assert len(entries) == before + 1
    carried = entries[-1]
    assert carried.action == "update"
    assert carried.user == commissioner
    assert carried.before["adjustment_id"] == first.pk
    assert carried.after["adjustment_id"] == second.pk
    assert "re-issued" in carried.summary
