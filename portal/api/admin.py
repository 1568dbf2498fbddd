"""Django admin (/django-admin/) for the API: tokens, webhook endpoints and the
delivery log, with its replay action. portal/admin.py imports this module.

A token's or an endpoint's secret is shown once, in the message after it is
created; only the token's hash is stored, and the webhook secret is never
displayed again.
"""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.api import services, webhooks
from portal.models import ApiToken, Organisation, WebhookDelivery, WebhookEndpoint, WebhookEvent

CONNECTED_KINDS = [Organisation.Kind.PLATFORM, Organisation.Kind.COURT]
MSG_TOKEN_CREATED = _("Token “{name}” created. Copy it now, it is shown only this once: {secret}")
MSG_SECRET_CREATED = _("Webhook endpoint created. Its signing secret, shown only this once: {secret}")


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["organisation", "name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "organisation" in self.fields:
            self.fields["organisation"].queryset = Organisation.objects.filter(kind__in=CONNECTED_KINDS)


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(label=_("events"), choices=WebhookEvent.choices,
                                       widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = WebhookEndpoint
        fields = ["organisation", "url", "events", "description", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(kind__in=CONNECTED_KINDS)


def token_created_message(token: ApiToken, secret: str) -> str:
    return format_html(str(MSG_TOKEN_CREATED), name=token.name, secret=format_html("<code>{}</code>", secret))


def secret_created_message(endpoint: WebhookEndpoint) -> str:
    return format_html(str(MSG_SECRET_CREATED), secret=format_html("<code>{}</code>", endpoint.secret))


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    form = ApiTokenForm
    list_display = ["name", "organisation", "prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["organisation__kind", "organisation"]
    search_fields = ["name", "prefix", "organisation__name"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        fixed = ["prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
        return fixed + ["organisation"] if obj else fixed

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        secret = services.assign_secret(obj)
        obj.created_by = request.user
        super().save_model(request, obj, form, change)
        messages.success(request, token_created_message(obj, secret))

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the record of the token stays

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, ngettext("%d token revoked.", "%d tokens revoked.", count) % count)


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["url", "organisation", "active", "created_at"]
    list_filter = ["active", "organisation"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            messages.success(request, secret_created_message(obj))


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["event", "endpoint", "status", "attempts", "response_code", "created_at", "delivered_at",
                    "next_attempt_at", "replay_of"]
    list_filter = ["status", "event", "endpoint__organisation"]
    search_fields = ["event_id", "uid", "endpoint__url"]
    list_select_related = ["endpoint__organisation", "replay_of"]
    actions = ["replay"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in WebhookDelivery._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the log of what was sent stays

    @admin.action(description=_("Send the selected deliveries again"))
    def replay(self, request, queryset):
        with transaction.atomic():
            copies = [webhooks.replay(delivery) for delivery in queryset.select_related("endpoint")]
        self.message_user(request, ngettext("%d delivery queued again.", "%d deliveries queued again.",
                                            len(copies)) % len(copies))
