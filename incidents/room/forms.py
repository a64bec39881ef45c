"""Forms for the room. They parse input; the actions decide what is valid and write."""

import secrets
from datetime import UTC

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from incidents.models import (
    POSTABLE_KINDS,
    SEVERITY_DEFINITIONS,
    EntryKind,
    Role,
    Service,
    Severity,
    Status,
    Visibility,
)

User = get_user_model()


def active_users():
    return User.objects.filter(is_active=True).order_by("username")


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        full = obj.get_full_name()
        return f"{full} ({obj.username})" if full else obj.username


def new_submission_token() -> str:
    return secrets.token_urlsafe(24)


class DeclareForm(forms.Form):
    title = forms.CharField(
        max_length=200,
        widget=forms.TextInput(attrs={"autofocus": True, "placeholder": "Checkout returns 500 for card payments"}),
    )
    severity = forms.ChoiceField(choices=Severity.choices, initial=Severity.SEV2, widget=forms.RadioSelect)
    summary = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "What is happening, who sees it (Markdown)"}),
    )
    services = forms.ModelMultipleChoiceField(
        queryset=Service.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    commander = UserChoiceField(queryset=active_users(), required=False, empty_label="Me", label="Incident Commander")
    started_at = forms.DateTimeField(
        required=False,
        label="Impact started (UTC)",
        help_text="Leave empty for now.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    visibility = forms.ChoiceField(
        choices=Visibility.choices,
        initial=Visibility.INTERNAL,
        required=False,
        widget=forms.RadioSelect,
        label="Who sees it",
    )
    is_drill = forms.BooleanField(required=False, label="This is a drill", help_text="left out of insights")
    # One per rendering of the form: a second submission of the same rendering declares nothing new.
    submission = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput, initial=new_submission_token)

    def clean_submission(self):
        return self.cleaned_data.get("submission") or new_submission_token()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commander"].queryset = active_users()
        self.severity_definitions = [(s.value, s.label, SEVERITY_DEFINITIONS[s]) for s in Severity]

    def clean_visibility(self):
        return self.cleaned_data.get("visibility") or Visibility.INTERNAL

    def clean_started_at(self):
        value = self.cleaned_data.get("started_at")
        if value and timezone.is_naive(value):
            value = timezone.make_aware(value, UTC)
        return value


class EntryForm(forms.Form):
    kind = forms.ChoiceField(choices=[(k.value, k.label) for k in POSTABLE_KINDS], initial=EntryKind.NOTE)
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), error_messages={"required": "The entry cannot be empty."}
    )


class RoleForm(forms.Form):
    """Name someone to a role; `volunteer` takes an empty role for yourself."""

    role = forms.ChoiceField(choices=Role.choices)
    user = UserChoiceField(queryset=active_users(), required=False)
    volunteer = forms.BooleanField(required=False)

    def clean(self):
        data = super().clean()
        if not data.get("volunteer") and not data.get("user"):
            self.add_error("user", "Choose a person.")
        return data

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = active_users()


class TakeCommandForm(forms.Form):
    reason = forms.CharField(
        max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), help_text="goes on the timeline"
    )


class VisibilityForm(forms.Form):
    visibility = forms.ChoiceField(choices=Visibility.choices)


class MemberForm(forms.Form):
    user = UserChoiceField(queryset=active_users())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = active_users()


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices)


class SeverityForm(forms.Form):
    severity = forms.ChoiceField(choices=Severity.choices)
