"""The Wagtail back office (/admin/) for API tokens and webhook endpoints,
registered in portal/wagtail_hooks.py. A new token's secret and a new
endpoint's signing secret are shown once, in the message after creation.
Tokens are revoked (the edit form's checkbox), never deleted, so their
record stays."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from portal.api import services
from portal.api.admin import ApiTokenForm, WebhookEndpointForm, secret_created_message, token_created_message
from portal.models import ApiToken, WebhookEndpoint


class NoDeletePolicy(ModelPermissionPolicy):
    def user_has_permission(self, user, action):
        return action != "delete" and super().user_has_permission(user, action)


register_permission_policy(ApiToken, NoDeletePolicy(ApiToken), exact_class=True)


class ApiTokenEditForm(forms.ModelForm):
    revoke = forms.BooleanField(label=_("Revoke this token"), required=False,
                                help_text=_("Requests with it are refused from now on. This cannot be undone."))

    class Meta:
        model = ApiToken
        fields = ["name"]

    def save(self, commit=True):
        if self.cleaned_data.get("revoke") and self.instance.revoked_at is None:
            self.instance.revoked_at = timezone.now()
        return super().save(commit)


class ApiTokenCreateView(generic.CreateView):
    def save_instance(self):
        token = self.form.save(commit=False)
        token.created_by = self.request.user
        self.secret = services.assign_secret(token)
        token.save()
        return token

    def get_success_message(self, instance):
        return token_created_message(instance, self.secret)


class ApiTokenViewSet(ModelViewSet):
    model = ApiToken
    icon = "key"
    menu_label = _("API tokens")
    add_view_class = ApiTokenCreateView
    list_display = ["name", "organisation", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["organisation"]
    search_fields = ["name", "prefix", "organisation__name"]
    search_backend_name = None

    def get_form_class(self, for_update=False):
        return ApiTokenEditForm if for_update else ApiTokenForm


class WebhookEndpointCreateView(generic.CreateView):
    def save_instance(self):
        endpoint = self.form.save(commit=False)
        endpoint.created_by = self.request.user
        endpoint.save()
        return endpoint

    def get_success_message(self, instance):
        return secret_created_message(instance)


class WebhookEndpointViewSet(ModelViewSet):
    model = WebhookEndpoint
    icon = "link"
    menu_label = _("Webhooks")
    add_view_class = WebhookEndpointCreateView
    list_display = ["url", "organisation", "active", "created_at"]
    list_filter = ["active", "organisation"]
    search_fields = ["url", "organisation__name"]
    search_backend_name = None

    def get_form_class(self, for_update=False):
        return WebhookEndpointForm


class ApiGroup(ModelViewSetGroup):
    items = (ApiTokenViewSet("api-tokens"), WebhookEndpointViewSet("webhooks"))
    menu_label = _("API")
    menu_icon = "code"
