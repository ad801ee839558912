from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from tendercare.core.errors import DomainError
from tendercare.organisations.models import User
from tendercare.organisations.queries import organisation_by_name, username_taken

from .services import PROVIDER_KINDS, parse_amount

# Stronger than the site default: providers sign themselves up on a public page.
PROVIDER_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "first_name", "last_name", "email")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]


class ProviderRegistrationForm(forms.Form):
    organisation_name = forms.CharField(
        max_length=200, error_messages={"required": "Enter your organisation's name"}
    )
    kind = forms.ChoiceField(
        choices=[("", "Choose one")]
        + [
            (kind.value, kind.label)
            for kind in PROVIDER_KINDS  # independent, VCSE, NHS trust
        ],
        error_messages={
            "required": "Choose what kind of provider you are",
            "invalid_choice": "Choose what kind of provider you are",
        },
    )
    cqc_location_id = forms.RegexField(
        regex=r"^\s*1-\d{6,12}\s*$",
        required=False,
        max_length=20,
        error_messages={"invalid": "Enter a CQC location ID like 1-123456789, or leave it empty"},
    )
    first_name = forms.CharField(
        max_length=150, error_messages={"required": "Enter your first name"}
    )
    last_name = forms.CharField(max_length=150, error_messages={"required": "Enter your last name"})
    email = forms.EmailField(
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address like name@example.org",
        }
    )
    username = forms.RegexField(
        regex=r"^[\w.@+-]+$",
        max_length=150,
        error_messages={
            "required": "Choose a username",
            "invalid": "A username can have letters, digits and @ . + - _ only",
        },
    )
    password = forms.CharField(
        widget=forms.PasswordInput,
        strip=False,
        error_messages={"required": "Choose a password"},
    )

    def clean_organisation_name(self):
        name = self.cleaned_data["organisation_name"].strip()
        if organisation_by_name(name):
            raise ValidationError(
                f"{name} is already registered: ask someone there to add you, or sign in"
            )
        return name

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if username_taken(username):
            raise ValidationError("That username is already taken: choose another")
        return username

    def clean(self):
        data = super().clean()
        password = data.get("password")
        if password:
            user = User(  # unsaved: the similarity check needs the would-be account
                username=data.get("username", ""),
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
                email=data.get("email", ""),
            )
            validators = password_validation.get_password_validators(PROVIDER_PASSWORD_VALIDATORS)
            try:
                password_validation.validate_password(password, user, validators)
            except ValidationError as exc:
                self.add_error("password", " ".join(exc.messages))
        return data


class QuestionForm(forms.Form):
    question = forms.CharField(
        max_length=5000,
        widget=forms.Textarea,
        error_messages={
            "required": "Enter your question",
            "max_length": "Your question must be 5,000 characters or fewer",
        },
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(widget=forms.Textarea, error_messages={"required": "Enter an answer"})
    publish = forms.BooleanField(required=False)


class DocumentForm(forms.Form):
    document = forms.FileField(
        error_messages={
            "required": "Choose a file to upload",
            "empty": "The file is empty: choose the document again",
            "invalid": "Choose a file to upload",
        }
    )


class BidForm(forms.Form):
    """Answers per question and prices per band (or a total), built for one lot."""

    def __init__(self, *args, questions, bands, initial_answers, initial_prices, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        self.bands = list(bands)  # [(band, label, hours or None)]
        for question in self.questions:
            self.fields[f"answer_{question.pk}"] = forms.CharField(
                required=False,
                widget=forms.Textarea,
                initial=initial_answers.get(str(question.pk), ""),
                max_length=50_000,
                error_messages={"max_length": "Answers must be 50,000 characters or fewer"},
            )
        for band, _label, _hours in self.bands:
            amount = initial_prices.get(band)
            self.fields[f"price_{band}"] = forms.CharField(
                required=False, max_length=30, initial="" if amount is None else str(amount)
            )

    def clean(self):
        data = super().clean()
        for band, label, _hours in self.bands:
            value = (data.get(f"price_{band}") or "").strip()
            if value:
                try:
                    data[f"price_{band}"] = parse_amount(value, label)
                except DomainError as exc:
                    self.add_error(f"price_{band}", exc.message)
        return data

    def answers(self) -> dict:
        return {str(q.pk): self.cleaned_data.get(f"answer_{q.pk}", "") for q in self.questions}

    def prices(self) -> dict:
        return {band: self.cleaned_data.get(f"price_{band}", "") for band, _, _ in self.bands}

    def answer_field(self, question):
        return self[f"answer_{question.pk}"]

    def price_field(self, band):
        return self[f"price_{band}"]
