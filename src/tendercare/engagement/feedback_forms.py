"""Thin forms for feedback, themes and changes: parse what people type; the services in
feedback.py hold the rules. Choices are filled by the view from scoped queries, so a posted id
that is not among them is a form error, never a lookup."""

from django import forms

from tendercare.core.forms import GovukForm

from .feedback import NEEDS_A_LINK


class Checkboxes(forms.CheckboxSelectMultiple):
    """GOV.UK checkboxes: the first box's id is the field's name, so the error summary's link
    lands on it."""

    def id_for_label(self, id_, index=None):
        return id_


def _article(label: str) -> str:
    return "an" if label[0].lower() in "aeiou" else "a"


def _choice_field(label: str, *, required: bool = False, message: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        required=required,
        error_messages={
            "required": message or f"Choose the {label}",
            "invalid_choice": f"Choose {_article(label)} {label} from the list",
        },
    )


class ThemeForm(GovukForm):
    name = forms.CharField(max_length=120, error_messages={"required": "Enter the theme's name"})
    description = forms.CharField(required=False, widget=forms.Textarea, max_length=2000)
    keywords = forms.CharField(required=False, widget=forms.Textarea, max_length=5000)


class FeedbackForm(GovukForm):
    date_fields = {"received_on": ("Date received", True)}

    activity = _choice_field("activity", required=True, message="Choose the activity")
    text = forms.CharField(
        widget=forms.Textarea,
        max_length=10000,
        error_messages={"required": "Enter what the person said"},
    )

    def __init__(self, *args, activities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].choices = [("", "Choose the activity"), *activities]


class ConfirmThemesForm(GovukForm):
    themes = forms.MultipleChoiceField(
        required=False,
        widget=Checkboxes,
        error_messages={"invalid_choice": "Choose themes from the list"},
    )

    def __init__(self, *args, themes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].choices = list(themes)


class FilterForm(forms.Form):
    """The list's filters: anything not in the lists is ignored (never an error page)."""

    programme = forms.ChoiceField(required=False)
    activity = forms.ChoiceField(required=False)
    theme = forms.ChoiceField(required=False)
    status = forms.ChoiceField(
        required=False,
        choices=[("", "All feedback"), ("unconfirmed", "Themes not yet confirmed")],
    )

    def __init__(self, *args, programmes=(), activities=(), themes=(), **kwargs):
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [("", "All programmes"), *programmes]
        self.fields["activity"].choices = [("", "All activities"), *activities]
        self.fields["theme"].choices = [("", "All themes"), *themes]

    def chosen(self, name: str) -> str:
        """The valid value of one filter, or "" (the others may be invalid)."""
        value = self.data.get(name, "") if self.is_bound else ""
        valid = {str(v) for v, _ in self.fields[name].choices}
        return value if isinstance(value, str) and value in valid else ""


class ChangeForm(GovukForm):
    you_said = forms.CharField(
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": "Enter what people said"},
    )
    we_did = forms.CharField(
        widget=forms.Textarea, max_length=5000, error_messages={"required": "Enter what was done"}
    )
    theme = _choice_field("theme")
    requirement = _choice_field("requirement")
    kpi_schedule = _choice_field("KPI")
    decision = _choice_field("decision")
    feedback = forms.MultipleChoiceField(
        required=False,
        widget=Checkboxes,
        error_messages={"invalid_choice": "Choose feedback items from the list"},
    )

    def __init__(
        self,
        *args,
        themes=(),
        requirements=(),
        kpi_schedules=(),
        decisions=(),
        feedback=(),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", "No theme"), *themes]
        self.fields["requirement"].choices = [("", "No requirement"), *requirements]
        self.fields["kpi_schedule"].choices = [("", "No KPI"), *kpi_schedules]
        self.fields["decision"].choices = [("", "No decision"), *decisions]
        self.fields["feedback"].choices = list(feedback)

    def clean(self):
        cleaned = super().clean()
        links = ("requirement", "kpi_schedule", "decision")
        if not any(cleaned.get(name) for name in links) and not any(
            self.has_error(name) for name in links
        ):
            self.add_error("requirement", NEEDS_A_LINK)
        return cleaned
