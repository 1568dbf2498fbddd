"""Django admin (/django-admin/) for administrators: accounts, courts, organisations,
API tokens and webhooks (portal/api/admin.py).

Cases are read-only here: their state changes only through the services, so
that every change is permission-checked and on the timeline.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from portal.api import admin as api_admin  # noqa: F401  (API tokens, webhooks)
from portal.models import Case, CaseEvent, Court, Organisation, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "role", "court", "organisation", "is_active", "last_login"]
    list_filter = ["role", "is_active", "court"]
    search_fields = ["email", "full_name", "phone"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["full_name", "phone", "preferred_language", "organisation"]}),
        (_("Role"), {"fields": ["role", "court", "is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "full_name", "role", "court",
                                                             "password1", "password2"]})]
    readonly_fields = ["last_login", "date_joined"]


@admin.register(Court)
class CourtAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "region_code", "accepts_referrals"]
    list_filter = ["level", "accepts_referrals"]
    search_fields = ["name", "name_en", "region_code"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "credit_code", "court"]
    list_filter = ["kind"]
    search_fields = ["name", "credit_code"]


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "process", "transition", "from_state", "to_state", "actor", "note"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["__str__", "state", "track", "channel", "created_by", "submitted_at", "docketed_at"]
    list_filter = ["state", "track", "channel"]
    search_fields = ["number", "parties__name"]
    inlines = [CaseEventInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Case._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
