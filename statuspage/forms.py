"""The maintenance form for responders. It parses input; statuspage/actions.py decides."""

from django import forms

from incidents.models import Service

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class MaintenanceForm(forms.Form):
    title = forms.CharField(max_length=200, help_text="Public: customers read it.")
    body = forms.CharField(
        label="Public text", widget=forms.Textarea(attrs={"rows": 4}), help_text="Markdown: what customers will notice."
    )
    components = forms.MultipleChoiceField(
        label="Affected components", widget=forms.CheckboxSelectMultiple, help_text="Their names become public."
    )
    starts_at = forms.DateTimeField(label="Start (UTC)", widget=DATETIME_INPUT)
    ends_at = forms.DateTimeField(label="End (UTC)", widget=DATETIME_INPUT)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "maintenance-%s")
        super().__init__(*args, **kwargs)
        self.fields["components"].choices = list(Service.objects.order_by("name").values_list("slug", "name"))

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"


class SubscribeForm(forms.Form):
    email = forms.EmailField(max_length=254, label="Email address")
    components = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Only these components",
        help_text="Leave all unticked to hear about everything.",
    )

    def __init__(self, *args, components=(), **kwargs):
        kwargs.setdefault("auto_id", "subscribe-%s")
        super().__init__(*args, **kwargs)
        self.fields["components"].choices = [(c.service.slug, c.service.name) for c in components]

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"
