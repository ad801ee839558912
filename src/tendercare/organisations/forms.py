from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from .models import Role


class PersonForm(forms.Form):
    username = forms.CharField(
        max_length=150, error_messages={"required": "Enter a username for the person"}
    )
    first_name = forms.CharField(
        max_length=150, error_messages={"required": "Enter the person's first name"}
    )
    last_name = forms.CharField(
        max_length=150, error_messages={"required": "Enter the person's last name"}
    )
    email = forms.EmailField(
        required=False, error_messages={"invalid": "Enter an email address like name@example.org"}
    )
    job_title = forms.CharField(max_length=200, required=False)
    role = forms.ChoiceField(
        choices=[(r.value, r.label) for r in Role if r != Role.PROVIDER],
        error_messages={"required": "Choose a role", "invalid_choice": "Choose a role"},
    )
    is_lay_evaluator = forms.BooleanField(required=False)
    password = forms.CharField(
        widget=forms.PasswordInput,
        error_messages={"required": "Enter a first password for the person"},
    )

    def clean_username(self):
        from .queries import username_taken

        username = self.cleaned_data["username"].strip()
        if username_taken(username):
            raise ValidationError("That username is already taken")
        return username

    def clean_password(self):
        password = self.cleaned_data["password"]
        try:
            validate_password(password)
        except ValidationError as exc:
            raise ValidationError(" ".join(exc.messages)) from exc
        return password

    def clean(self):
        data = super().clean()
        if data.get("is_lay_evaluator") and data.get("role") != Role.EVALUATOR:
            self.add_error("is_lay_evaluator", "Only evaluators can be lay evaluators")
        return data
