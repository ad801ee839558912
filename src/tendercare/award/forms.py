"""Thin forms for the award page; the services hold the rules."""

from django import forms

from tendercare.core.forms import GovukForm


class RankingForm(GovukForm):
    """A rank for each bid on a lot (1 = best); leave a bid blank to leave it out."""

    def __init__(self, *args, bids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.bids = list(bids)
        for bid in self.bids:
            self.fields[f"rank_{bid.pk}"] = forms.IntegerField(
                required=False,
                min_value=1,
                error_messages={
                    "invalid": f"Enter the rank of {bid.provider} as a whole number",
                    "min_value": f"The rank of {bid.provider} must be 1 or more",
                },
            )

    def clean(self):
        cleaned = super().clean()
        ranks = {}
        for bid in self.bids:
            rank = cleaned.get(f"rank_{bid.pk}")
            if rank is None:
                continue
            if rank in ranks:
                self.add_error(f"rank_{bid.pk}", f"Rank {rank} is given to two bids")
            ranks[rank] = bid
        if not ranks and not self.errors:
            self.add_error(None, "Give at least one bid a rank")
        cleaned["ranked"] = [ranks[r] for r in sorted(ranks)]
        return cleaned


class RepresentationForm(GovukForm):
    date_fields = {"received_on": ("Date received", True)}

    provider = forms.ChoiceField(error_messages={"required": "Choose who made it"})
    text = forms.CharField(
        max_length=10000,
        widget=forms.Textarea,
        error_messages={"required": "Enter the representation"},
    )

    def __init__(self, *args, providers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.providers = {str(p.pk): p for p in providers}
        self.fields["provider"].choices = [("", "Choose a bidder")] + [
            (pk, p.name) for pk, p in self.providers.items()
        ]


class ResponseForm(GovukForm):
    response = forms.CharField(
        max_length=10000, widget=forms.Textarea, error_messages={"required": "Enter the response"}
    )
    outcome = forms.CharField(max_length=200, required=False)


class ConfirmForm(GovukForm):
    date_fields = {"start_date": ("Contract start date", False), "end_date": ("End date", False)}
