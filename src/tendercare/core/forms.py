"""Forms shared by every app.

GovukForm: ids equal names, so error-summary links land on the field. Dates are GOV.UK date
inputs (day, month, year in three boxes, named `<field>-day` etc.); a date that does not exist
(31 February) is a form error, never an exception.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import redirect, render


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password",
        "inactive": "This account has been switched off",
    }


PARTS = ("day", "month", "year")


class GovukForm(forms.Form):
    """Ids equal names, so error-summary links land on the field; date fields in three parts."""

    date_fields: dict[str, tuple[str, bool]] = {}  # name -> (label, required)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)
        for name in self.date_fields:
            for part in PARTS:
                self.fields[f"{name}-{part}"] = forms.CharField(
                    required=False, max_length=4 if part == "year" else 2
                )

    def date_initial(self, name: str, value: dt.date | None) -> None:
        if value:
            for part in PARTS:
                self.initial[f"{name}-{part}"] = str(getattr(value, part))

    def clean(self):
        cleaned = super().clean()
        for name, (label, required) in self.date_fields.items():
            cleaned[name] = self._clean_date(name, label, required)
        return cleaned

    def _clean_date(self, name: str, label: str, required: bool) -> dt.date | None:
        raw = {part: (self.data.get(f"{name}-{part}") or "").strip() for part in PARTS}
        first = f"{name}-day"
        if not any(raw.values()):
            if required:
                self.add_error(first, f"Enter the {label.lower()}")
            return None
        missing = [part for part in PARTS if not raw[part]]
        if missing:
            self.add_error(
                f"{name}-{missing[0]}", f"The {label.lower()} must include a {missing[0]}"
            )
            return None
        if not all(raw[part].isdigit() for part in PARTS):
            self.add_error(first, f"The {label.lower()} must be a real date, in numbers")
            return None
        day, month, year = (int(raw[part]) for part in PARTS)
        if len(raw["year"]) != 4:
            self.add_error(f"{name}-year", "Year must include 4 numbers")
            return None
        try:
            return dt.date(year, month, day)
        except ValueError:
            self.add_error(first, f"The {label.lower()} must be a real date")
            return None

    def date_errors(self, name: str) -> list[str]:
        errors = []
        for part in PARTS:
            errors.extend(self[f"{name}-{part}"].errors)
        return errors


def run_service(form, action):
    """Run a service for a form; a broken rule (DomainError) becomes an error at the top of
    the form and the result is None."""
    from .errors import DomainError

    try:
        return action()
    except DomainError as exc:
        form.add_error(None, exc.message)
        return None


def form_page(
    request,
    form,
    *,
    save: Callable[[dict], Any],
    message: str | Callable[[Any], str],
    success_url: str | Callable[[Any], str],
    template: str,
    context: dict,
):
    """The page of one form that calls one service. A valid POST runs `save(cleaned_data)`
    through run_service; if it returns something, show `message` and redirect to
    `success_url` (either may be a function of what save returned). Otherwise (GET, invalid
    form, broken rule) render `template` with `context` and the form as "form".

    Permission checks stay in the view, before the call."""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = run_service(form, lambda: save(data))
        if result:
            messages.success(request, message(result) if callable(message) else message)
            return redirect(success_url(result) if callable(success_url) else success_url)
    return render(request, template, {**context, "form": form})
