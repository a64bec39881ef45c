"""Forms for action items. They only parse; action_items/smart.py says what is SMART, with its own messages,
so no field here is required (a missing owner gets the SMART message, not "This field is required")."""

from django import forms

from incidents.room.forms import UserChoiceField, active_users

from .models import ActionItem

# A promoted entry suggests a type from what kind of entry it was.
TYPE_FOR_ENTRY_KIND = {"finding": "prevent", "decision": "process", "action": "mitigate", "note": "prevent"}


class ActionItemForm(forms.Form):
    incident = forms.IntegerField(widget=forms.HiddenInput)
    postmortem = forms.IntegerField(required=False, widget=forms.HiddenInput)
    source_entry = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(
        required=False, strip=True, widget=forms.TextInput(attrs={"placeholder": "Add an alert on checkout 5xx rate"})
    )
    description = forms.CharField(
        required=False,
        label="Done when",
        widget=forms.Textarea(
            attrs={
                "rows": 2,
                "placeholder": "What done looks like, e.g. the alert pages on-call within 5 minutes of a 5xx spike",
            }
        ),
    )
    owner = UserChoiceField(queryset=active_users(), required=False, empty_label="Choose an owner")
    due_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    type = forms.ChoiceField(required=False, choices=[("", "Choose a type"), *ActionItem.Type.choices])
    priority = forms.ChoiceField(required=False, choices=ActionItem.Priority.choices, initial=ActionItem.Priority.P3)
    external_url = forms.CharField(
        required=False, label="External link", widget=forms.URLInput(attrs={"placeholder": "https://"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = active_users()


class ItemChangeForm(forms.Form):
    """Status, owner, due date and priority changes: the tracker's inline control and the item page."""

    status = forms.ChoiceField(required=False, choices=ActionItem.State.choices)
    reason = forms.CharField(required=False, max_length=2000, label="Reason (for won't do)")
    owner = UserChoiceField(queryset=active_users(), required=False)
    due_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    priority = forms.ChoiceField(required=False, choices=ActionItem.Priority.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = active_users()

    def changes(self) -> dict:
        """Only the fields the request sent, so an inline status change leaves owner and due date alone."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name != "reason" and name in self.data and value not in ("", None)
        }
