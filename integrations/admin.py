from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html

from . import actions, ingest, tasks
from .models import (
    EVENT_TYPES,
    VENDOR_API_KINDS,
    Alert,
    AlertGroup,
    ChatDelivery,
    ChatWebhook,
    Delivery,
    Endpoint,
    EventDelivery,
    EventDeliveryAttempt,
    Page,
    PagingTarget,
    RoutingRule,
    WebhookSubscription,
)
from .outbound import event_stream
from .outbound.targets import UnsafeTarget, check_target


class RoutingRuleInline(admin.TabularInline):
    model = RoutingRule
    extra = 0
    fields = ["position", "matchers", "action", "severity", "service", "title_template", "commander", "visibility"]


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "token_prefix", "service", "commander", "expect_heartbeat_minutes", "active"]
    list_filter = ["kind", "active"]
    readonly_fields = ["token_prefix"]
    inlines = [RoutingRuleInline]
    actions = ["rotate_token"]

    def save_model(self, request, obj, form, change):
        token = obj.issue_token() if not obj.token_hash else None
        super().save_model(request, obj, form, change)
        if token:
            self._show_url(request, obj, token)

    @admin.action(description="Issue a new URL token (the old URL stops working)")
    def rotate_token(self, request, queryset):
        for endpoint in queryset:
            token = actions.rotate_endpoint_token(endpoint)
            self._show_url(request, endpoint, token)

    def _show_url(self, request, endpoint, token):
        url = Endpoint.url_for(endpoint.kind, token)
        if endpoint.kind in VENDOR_API_KINDS:
            messages.warning(
                request,
                format_html(
                    "Key of “{}” (shown only now, copy it): <code>{}</code>; the sender posts to <code>{}</code>",
                    endpoint.name,
                    token,
                    url,
                ),
            )
            return
        messages.warning(
            request, format_html("Webhook URL of “{}” (shown only now, copy it): <code>{}</code>", endpoint.name, url)
        )


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "endpoint", "position", "severity", "service", "visibility"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["pk", "endpoint", "received_at", "status", "attempts", "note"]
    list_filter = ["status", "endpoint"]
    readonly_fields = [f.name for f in Delivery._meta.fields]
    actions = ["process_again"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Process again (after fixing a rule, a service or the commander)")
    def process_again(self, request, queryset):
        for delivery in queryset.exclude(status="processed"):
            ingest.reopen_delivery(delivery)
            tasks.process_delivery.delay_on_commit(delivery.pk)
        messages.info(request, "Queued again; processed deliveries were left alone.")


class AlertInline(admin.TabularInline):
    model = Alert
    extra = 0
    can_delete = False
    fields = ["name", "status", "fingerprint", "cycle", "starts_at", "ends_at", "last_seen_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AlertGroup)
class AlertGroupAdmin(admin.ModelAdmin):
    list_display = ["__str__", "endpoint", "incident", "created_at"]
    list_filter = ["endpoint"]
    readonly_fields = ["endpoint", "key_hash", "group_key", "incident", "truncated_alerts"]
    inlines = [AlertInline]


@admin.register(ChatWebhook)
class ChatWebhookAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "enabled", "created_at"]
    list_filter = ["kind", "enabled"]


@admin.register(ChatDelivery)
class ChatDeliveryAdmin(admin.ModelAdmin):
    list_display = ["incident", "kind", "event", "state", "attempts", "last_error", "created_at", "delivered_at"]
    list_filter = ["state", "kind", "event"]
    readonly_fields = [f.name for f in ChatDelivery._meta.fields]


@admin.register(PagingTarget)
class PagingTargetAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "service", "team", "enabled", "created_at"]
    list_filter = ["kind", "enabled"]


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["incident", "target_name", "kind", "state", "resolve_state", "attempts", "last_error", "created_at"]
    list_filter = ["state", "resolve_state", "kind"]
    readonly_fields = [f.name for f in Page._meta.fields]


# --- the event stream out ----------------------------------------------------------------------------


class WebhookSubscriptionForm(forms.ModelForm):
    url = forms.URLField(max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(choices=[(t, t) for t in EVENT_TYPES], widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = WebhookSubscription
        fields = ["url", "events", "description", "enabled"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            check_target(url)
        except UnsafeTarget as refusal:
            raise forms.ValidationError(str(refusal))
        return url


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    form = WebhookSubscriptionForm
    list_display = ["url", "description", "enabled", "created_at"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            messages.warning(
                request,
                format_html("Signing secret of {} (shown only now, copy it): <code>{}</code>", obj.url, obj.secret),
            )


class EventDeliveryAttemptInline(admin.TabularInline):
    model = EventDeliveryAttempt
    extra = 0
    can_delete = False
    fields = ["attempted_at", "status_code", "error", "response_body", "duration_ms"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(EventDelivery)
class EventDeliveryAdmin(admin.ModelAdmin):
    list_display = ["pk", "event_type", "subscription", "state", "attempts", "last_status_code", "created_at"]
    list_filter = ["state", "event_type", "subscription"]
    list_select_related = ["subscription"]
    readonly_fields = [f.name for f in EventDelivery._meta.fields]
    inlines = [EventDeliveryAttemptInline]
    actions = ["replay"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Replay (send again now, same webhook-id)")
    def replay(self, request, queryset):
        for delivery in queryset:
            event_stream.replay(delivery)
            tasks.deliver_event.delay_on_commit(delivery.pk)
        messages.info(request, f"Queued {queryset.count()} deliveries again.")
