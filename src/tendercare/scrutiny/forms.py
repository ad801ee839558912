"""Thin forms for the scrutiny records: parse what people type; the services hold the rules.

Dates are GOV.UK date inputs (tendercare.core.forms.GovukForm); a meeting's start is a date
and a 24-hour time, read as UK time.
"""

import datetime as dt
import re
import zoneinfo

from django import forms

from tendercare.core.forms import GovukForm

from .models import Action, CommitteeDecision, Declaration, Meeting, Member, WorkProgrammeItem

UK = zoneinfo.ZoneInfo("Europe/London")
TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")

YES_NO = [("", "Choose an answer"), ("yes", "Yes, substantial"), ("no", "No, not substantial")]


class ChoicesFromCaller:
    """A form whose select choices (programmes, items, members, meetings) come from the view,
    which reads them through the scoped queries."""

    def set_choices(self, name: str, choices, blank: str | None = None) -> None:
        values = [(str(value), label) for value, label in choices]
        if blank is not None:
            values = [("", blank), *values]
        self.fields[name].choices = values


class CommitteeForm(GovukForm):
    name = forms.CharField(
        max_length=200, error_messages={"required": "Enter the committee's name"}
    )
    remit = forms.CharField(required=False, widget=forms.Textarea, max_length=5000)
    joint = forms.BooleanField(required=False)
    published = forms.BooleanField(required=False)


class MemberForm(GovukForm):
    date_fields = {"since": ("Date joined", False), "until": ("Date left", False)}

    name = forms.CharField(max_length=200, error_messages={"required": "Enter the member's name"})
    role = forms.ChoiceField(choices=Member.Role.choices, initial=Member.Role.MEMBER)


class MeetingForm(GovukForm):
    date_fields = {"date": ("Date of the meeting", True)}

    time = forms.CharField(
        max_length=5, error_messages={"required": "Enter the time the meeting starts"}
    )
    venue = forms.CharField(required=False, max_length=200)
    status = forms.ChoiceField(choices=Meeting.Status.choices, initial=Meeting.Status.SCHEDULED)

    def clean(self):
        cleaned = super().clean()
        raw = self.data.get("time") or ""
        match = TIME.match(raw)
        starts = None
        if raw and not match:
            self.add_error("time", "Enter the time in the 24-hour clock, like 14:00")
        elif match:
            hour, minute = int(match.group(1)), int(match.group(2))
            if hour > 23 or minute > 59:
                self.add_error("time", "Enter a real time, like 18:30")
            elif cleaned.get("date"):
                starts = dt.datetime.combine(cleaned["date"], dt.time(hour, minute), tzinfo=UK)
        cleaned["starts_at"] = starts
        return cleaned

    def set_start(self, starts_at: dt.datetime) -> None:
        local = starts_at.astimezone(UK)
        self.date_initial("date", local.date())
        self.initial["time"] = f"{local:%H:%M}"


class AgendaItemForm(ChoicesFromCaller, GovukForm):
    number = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=999,
        error_messages={
            "invalid": "The item number must be a whole number",
            "min_value": "The item number must be 1 or more",
            "max_value": "The item number must be 999 or less",
        },
    )
    title = forms.CharField(max_length=300, error_messages={"required": "Enter the item's title"})
    programme = forms.ChoiceField(required=False)
    summary = forms.CharField(required=False, widget=forms.Textarea, max_length=5000)


class DecisionForm(GovukForm):
    date_fields = {"decided_on": ("Date of the decision", False)}

    kind = forms.ChoiceField(
        choices=[("", "Choose the kind of decision"), *CommitteeDecision.Kind.choices],
        error_messages={"required": "Choose the kind of decision"},
    )
    text = forms.CharField(
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": "Enter what the committee decided"},
    )
    is_substantial = forms.ChoiceField(choices=YES_NO, required=False)
    reasons = forms.CharField(required=False, widget=forms.Textarea, max_length=5000)
    referred_to = forms.CharField(required=False, max_length=200)

    def answer(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data.get("is_substantial") or "")


class ActionForm(ChoicesFromCaller, GovukForm):
    date_fields = {"due_on": ("Due date", True)}

    description = forms.CharField(
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": "Enter what is to be done"},
    )
    owner_name = forms.CharField(
        max_length=200, error_messages={"required": "Enter who owns the action"}
    )
    item = forms.ChoiceField(required=False)
    programme = forms.ChoiceField(required=False)


class ActionUpdateForm(GovukForm):
    date_fields = {"completed_on": ("Date done", False), "due_on": ("Due date", True)}

    status = forms.ChoiceField(choices=Action.Status.choices)
    owner_name = forms.CharField(
        max_length=200, error_messages={"required": "Enter who owns the action"}
    )
    update = forms.CharField(
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": "Enter an update saying what has happened"},
    )


class DeclarationForm(ChoicesFromCaller, GovukForm):
    member = forms.ChoiceField(error_messages={"required": "Choose the member"})
    item = forms.ChoiceField(required=False)
    kind = forms.ChoiceField(
        choices=[("", "Choose the kind of interest"), *Declaration.Kind.choices],
        error_messages={"required": "Choose the kind of interest"},
    )
    interest = forms.CharField(
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": "Enter the interest declared"},
    )
    left_the_room = forms.BooleanField(required=False)


class MonthForm(GovukForm):
    """A planned month: GOV.UK month and year boxes (day 1)."""

    def clean(self):
        cleaned = super(GovukForm, self).clean()
        cleaned["planned_for"] = None
        month = (self.data.get("planned_for-month") or "").strip()
        year = (self.data.get("planned_for-year") or "").strip()
        if not month and not year:
            self.add_error("planned_for-month", "Enter the month the item is planned for")
        elif not (month.isdigit() and year.isdigit()):
            self.add_error("planned_for-month", "The month must be a real month, in numbers")
        elif len(year) != 4:
            self.add_error("planned_for-year", "Year must include 4 numbers")
        elif not 1 <= int(month) <= 12:
            self.add_error("planned_for-month", "The month must be from 1 to 12")
        elif int(year) < 1:
            self.add_error("planned_for-year", "The year must be a real year")
        else:
            cleaned["planned_for"] = dt.date(int(year), int(month), 1)
        return cleaned

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["planned_for-month"] = forms.CharField(required=False, max_length=2)
        self.fields["planned_for-year"] = forms.CharField(required=False, max_length=4)

    def month_initial(self, value: dt.date | None) -> None:
        if value:
            self.initial["planned_for-month"] = str(value.month)
            self.initial["planned_for-year"] = str(value.year)

    def month_errors(self) -> list[str]:
        return [*self["planned_for-month"].errors, *self["planned_for-year"].errors]


class WorkProgrammeItemForm(ChoicesFromCaller, MonthForm):
    title = forms.CharField(max_length=300, error_messages={"required": "Enter the item's title"})
    programme = forms.ChoiceField(required=False)
    notes = forms.CharField(required=False, widget=forms.Textarea, max_length=5000)


class WorkProgrammeEditForm(WorkProgrammeItemForm):
    status = forms.ChoiceField(choices=WorkProgrammeItem.Status.choices)


class ScheduleForm(ChoicesFromCaller, GovukForm):
    meeting = forms.ChoiceField(error_messages={"required": "Choose a meeting"})
    add_to_agenda = forms.BooleanField(required=False, initial=True)
