"""The Wagtail back office (/admin/) is the staff's home: courts and
organisations are managed here, and the intake queue is one click away."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from portal.models import Court, Organisation


class CourtViewSet(ModelViewSet):
    model = Court
    icon = "site"
    menu_label = _("Courts")
    list_display = ["name", "level", "region_code", "accepts_referrals"]
    list_filter = ["level", "accepts_referrals"]
    search_fields = ["name", "name_en", "region_code"]
    form_fields = ["name", "name_en", "level", "region_code", "address", "accepts_referrals"]


class OrganisationViewSet(ModelViewSet):
    model = Organisation
    icon = "group"
    menu_label = _("Organisations")
    list_display = ["name", "kind", "credit_code"]
    search_fields = ["name", "credit_code"]
    form_fields = ["name", "kind", "credit_code"]


class DirectoryGroup(ModelViewSetGroup):
    items = (CourtViewSet("courts"), OrganisationViewSet("organisations"))
    menu_label = _("Directory")
    menu_icon = "folder-open-inverse"


@hooks.register("register_admin_viewset")
def register_directory():
    return DirectoryGroup()


class StaffOnlyMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_case_manager


@hooks.register("register_admin_menu_item")
def register_intake_queue_link():
    return StaffOnlyMenuItem(_("Intake queue"), reverse("intake_queue"), icon_name="tasks", order=50)
