"""The status page in the admin: maintenance windows, subscribers (export and delete of addresses: they are
personal data), webhook subscribers added with their signing secret shown once, and the delivery log."""

import csv

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.http import HttpResponse
from django.utils.html import format_html

from integrations.outbound.targets import UnsafeTarget, check_target

from . import actions
from .models import Delivery, Maintenance, Notice, Subscriber


@admin.register(Maintenance)
class MaintenanceAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "starts_at", "ends_at", "started_at", "completed_at"]
    list_filter = ["status"]
    readonly_fields = ["status", "started_at", "completed_at", "created_by", "created_at", "updated_at"]

    def has_add_permission(self, request):
        return False  # scheduled from Status page › Maintenance or the API, which validate and tell subscribers


class WebhookSubscriberForm(forms.ModelForm):
    """Adding a webhook receiver; the action makes it (with its secret), this form only checks the input."""

    url = forms.URLField(max_length=500, assume_scheme="https", help_text="Each delivery is POSTed here, signed.")

    class Meta:
        model = Subscriber
        fields = ["url", "services"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        if Subscriber.objects.filter(kind=Subscriber.Kind.WEBHOOK, url=url).exists():
            raise forms.ValidationError("This URL is subscribed already.")
        try:
            check_target(url)
        except UnsafeTarget as error:
            raise forms.ValidationError(str(error))
        return url


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "confirmed_at", "created_at"]
    list_filter = ["kind", ("confirmed_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "url"]
    actions = ["export_csv", "delete_selected"]
    readonly_fields = ["kind", "email", "confirmed_at", "created_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:  # adding: admins add webhook receivers; addresses subscribe themselves
            kwargs["form"] = WebhookSubscriberForm
            kwargs["fields"] = ["url", "services"]
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        subscriber, secret = actions.add_webhook_subscriber(
            url=form.cleaned_data["url"], components=[s.slug for s in form.cleaned_data["services"]]
        )
        obj.pk = subscriber.pk
        messages.warning(
            request,
            format_html("Signing secret of {} (shown only now, copy it): <code>{}</code>", subscriber.url, secret),
        )

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)  # a new one got its components in the action

    @admin.action(description="Export the selected subscribers as CSV")
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="status-subscribers.csv"'
        writer = csv.writer(response)
        writer.writerow(["kind", "email", "url", "components", "confirmed_at", "created_at"])
        for subscriber in queryset.prefetch_related("services"):
            writer.writerow(
                [
                    subscriber.kind,
                    subscriber.email,
                    subscriber.url,
                    " ".join(s.slug for s in subscriber.services.all()),
                    subscriber.confirmed_at.isoformat() if subscriber.confirmed_at else "",
                    subscriber.created_at.isoformat(),
                ]
            )
        return response


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["subject", "key", "created_at"]
    readonly_fields = ["key", "subject", "text", "payload", "services", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The delivery log: what each subscriber was sent, how many attempts, and why a failed one gave up."""

    list_display = ["notice", "subscriber", "state", "attempts", "next_attempt_at", "sent_at", "last_error"]
    list_filter = ["state", "subscriber__kind"]
    list_select_related = ["notice", "subscriber"]
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
