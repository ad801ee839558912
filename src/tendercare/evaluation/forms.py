"""Thin forms: parse what people type; the services hold the rules (scale, rationale, locks)."""

from django import forms

from tendercare.core.forms import GovukForm

from .models import PriceClarification


class DeclarationForm(GovukForm):
    has_conflicts = forms.ChoiceField(
        choices=[
            ("no", "I have no conflict of interest with any bidder"),
            ("yes", "I have a conflict of interest with one or more bidders"),
        ],
        error_messages={"required": "Say whether you have a conflict of interest"},
    )
    conflicts = forms.MultipleChoiceField(required=False, choices=[])
    statement = forms.CharField(required=False, max_length=5000)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        self.fields["conflicts"].choices = [(str(p.pk), p.name) for p in self.candidates]
        for provider in self.candidates:
            self.fields[f"description_{provider.pk}"] = forms.CharField(
                required=False, max_length=5000
            )

    def description_field(self, provider):
        return self[f"description_{provider.pk}"]

    def clean(self):
        cleaned = super().clean()
        chosen = cleaned.get("conflicts") or []
        if cleaned.get("has_conflicts") == "yes":
            if not chosen:
                self.add_error("conflicts", "Choose each bidder you have a conflict with")
            for pk in chosen:
                if not (cleaned.get(f"description_{pk}") or "").strip():
                    name = dict(self.fields["conflicts"].choices)[pk]
                    self.add_error(f"description_{pk}", f"Describe your conflict with {name}")
        elif cleaned.get("has_conflicts") == "no" and chosen:
            self.add_error("conflicts", "You said you have no conflicts: untick every bidder")
        return cleaned

    def conflict_pairs(self):
        by_pk = {str(p.pk): p for p in self.candidates}
        return [
            (by_pk[pk], self.cleaned_data.get(f"description_{pk}", ""))
            for pk in self.cleaned_data.get("conflicts") or []
        ]


class ScoreForm(GovukForm):
    score = forms.CharField(max_length=10, error_messages={"required": "Enter a score"}, strip=True)
    rationale = forms.CharField(
        max_length=20000,
        error_messages={"required": "Write the rationale for your score"},
    )


class ModerationForm(GovukForm):
    score = forms.CharField(
        max_length=10, error_messages={"required": "Enter the consensus score"}, strip=True
    )
    reason = forms.CharField(
        max_length=20000, error_messages={"required": "Give the reason for the consensus score"}
    )


class AssignmentForm(GovukForm):
    question = forms.ChoiceField(choices=[], error_messages={"required": "Choose a question"})
    evaluator = forms.ChoiceField(choices=[], error_messages={"required": "Choose an evaluator"})

    def __init__(self, *args, questions=(), evaluators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].choices = [("", "Choose a question")] + [
            (str(q.pk), f"{q.number} {q.text[:80]}") for q in questions
        ]
        self.fields["evaluator"].choices = [("", "Choose a person")] + [
            (str(u.pk), f"{u.get_full_name() or u.username} ({u.get_role_display()})")
            for u in evaluators
        ]


class ClarificationForm(GovukForm):
    explanation = forms.CharField(
        max_length=20000,
        error_messages={"required": "Record the bidder's explanation and your assessment"},
    )
    outcome = forms.ChoiceField(
        choices=PriceClarification.Outcome.choices,
        error_messages={"required": "Choose whether the explanation is accepted"},
    )
