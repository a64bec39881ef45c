"""Forms of the restore panels. They parse input; the actions in restore.py / decisions.py validate and write."""

from datetime import UTC

from django import forms
from django.utils import timezone

from incidents.models import Decision, Service, Severity, Theory
from incidents.room.forms import UserChoiceField, active_users


class UtcDateTimeField(forms.DateTimeField):
    """A `datetime-local` input read as UTC, the room's only time zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local", "step": 60}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value):
        value = super().to_python(value)
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value, UTC)
        return value


class AssessmentForm(forms.Form):
    services = forms.ModelMultipleChoiceField(
        queryset=Service.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    users_affected_pct = forms.IntegerField(min_value=0, max_value=100, label="Users affected (%)")
    core_flow_down = forms.BooleanField(required=False, label="Core business flow down")
    customer_visible = forms.BooleanField(required=False, label="Customers can see it")
    notes = forms.CharField(required=False, label="Regions / notes", widget=forms.Textarea(attrs={"rows": 2}))


class ConfirmSeverityForm(forms.Form):
    severity = forms.ChoiceField(choices=Severity.choices, required=False)
    reason = forms.CharField(required=False, max_length=2000)


class TimestampsForm(forms.Form):
    started_at = UtcDateTimeField(label="Impact started (UTC)")
    detected_at = UtcDateTimeField(label="Detected (UTC)", required=False)
    acknowledged_at = UtcDateTimeField(label="Acknowledged (UTC)", required=False)

    def changes(self, incident) -> dict:
        """Only the times the person changed: the inputs show whole minutes, so an untouched field
        must not truncate the stored seconds."""
        changed = {}
        for field, value in self.cleaned_data.items():
            current = getattr(incident, field)
            if value != (current.replace(second=0, microsecond=0) if current else None):
                changed[field] = value
        return changed


class DecisionForm(forms.Form):
    question = forms.CharField(max_length=300)
    options = forms.CharField(
        required=False, label="Options considered (one a line)", widget=forms.Textarea(attrs={"rows": 3})
    )
    chosen = forms.CharField(max_length=300, label="Chosen option")
    risk = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    revert_plan = forms.CharField(required=False, label="Revert plan", widget=forms.Textarea(attrs={"rows": 2}))
    owner = UserChoiceField(queryset=active_users(), required=False, empty_label="Tech Lead")
    timebox_minutes = forms.IntegerField(required=False, min_value=1, max_value=24 * 60, label="Time-box (minutes)")
    mitigation = forms.IntegerField(required=False, widget=forms.HiddenInput)
    mitigation_kind = forms.CharField(required=False, widget=forms.HiddenInput)
    deploy = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = active_users()

    def clean_options(self):
        return [line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip()]


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(choices=Decision.Outcome.choices)
    note = forms.CharField(required=False)


class TheoryForm(forms.Form):
    hypothesis = forms.CharField(max_length=300, label="Hypothesis")
    evidence = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class TheoryStateForm(forms.Form):
    state = forms.ChoiceField(choices=Theory.State.choices)
    evidence = forms.CharField(required=False)
