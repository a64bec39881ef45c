"""Forms of the update composer and the cadence control. They parse input; incidents/comms/actions.py decides."""

from django import forms

from incidents.models import Audience, ComponentState, PublicState


class UpdateForm(forms.Form):
    audience = forms.ChoiceField(choices=Audience.choices, initial=Audience.INTERNAL, widget=forms.RadioSelect)
    headline = forms.CharField(required=False, max_length=200)
    public_state = forms.ChoiceField(choices=[("", "—")] + PublicState.choices, required=False, label="Public state")
    component_state = forms.ChoiceField(
        choices=[("", "—")] + ComponentState.choices, required=False, label="Components"
    )
    status = forms.CharField(label="Current status", widget=forms.Textarea(attrs={"rows": 3}))
    actions = forms.CharField(label="Actions taken", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    next_steps = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    next_update_in_minutes = forms.IntegerField(
        label="Next update in (min)", required=False, min_value=1, max_value=240
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "update-%s")
        super().__init__(*args, **kwargs)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"


class CadenceForm(forms.Form):
    update_cadence_minutes = forms.IntegerField(label="Update every (min)", required=False, min_value=1, max_value=240)
