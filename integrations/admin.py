from django.contrib import admin

from .models import SlackDelivery, SlackWebhook


@admin.register(SlackWebhook)
class SlackWebhookAdmin(admin.ModelAdmin):
    list_display = ["name", "enabled", "created_at"]


@admin.register(SlackDelivery)
class SlackDeliveryAdmin(admin.ModelAdmin):
    list_display = ["incident", "event", "state", "attempts", "last_error", "created_at", "delivered_at"]
    list_filter = ["state", "event"]
    readonly_fields = [f.name for f in SlackDelivery._meta.fields]
