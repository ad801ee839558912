"""The award forms use the shared GOV.UK form from core (date inputs in three boxes)."""

import datetime as dt

from tendercare.award import forms
from tendercare.core.forms import GovukForm
from tendercare.programmes import forms as programme_forms


def test_award_and_programme_forms_share_the_core_govuk_form():
    assert issubclass(forms.ConfirmForm, GovukForm)
    assert issubclass(forms.RepresentationForm, GovukForm)
    assert issubclass(programme_forms.ProgrammeForm, GovukForm)
    assert not hasattr(programme_forms, "PARTS")  # one date parser, in core


def test_confirm_form_reads_a_date_and_refuses_one_that_does_not_exist():
    ok = forms.ConfirmForm(
        {"start_date-day": "1", "start_date-month": "4", "start_date-year": "2027"}
    )
    assert ok.is_valid()
    assert ok.cleaned_data["start_date"] == dt.date(2027, 4, 1)
    assert ok.cleaned_data["end_date"] is None
    bad = forms.ConfirmForm(
        {"start_date-day": "31", "start_date-month": "2", "start_date-year": "2027"}
    )
    assert not bad.is_valid()
    assert bad.errors["start_date-day"] == ["The contract start date must be a real date"]
