"""The Wagtail back office (/admin/) is the staff's home: courts, organisations
and the panel of neutrals are managed here, and the intake queue is one click away."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from portal.models import Court, NeutralProfile, Organisation


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
    form_fields = ["name", "kind", "credit_code", "court"]


class NeutralProfileViewSet(ModelViewSet):
    """Case managers keep the mediator and arbitrator profiles the public directory shows."""

    model = NeutralProfile
    icon = "user"
    menu_label = _("Neutrals")
    list_display = ["display_name", "name_en", "user", "is_mediator", "is_arbitrator", "region", "availability",
                    "is_public"]
    list_filter = {"is_mediator": ["exact"], "is_arbitrator": ["exact"], "availability": ["exact"],
                   "region": ["icontains"], "is_public": ["exact"]}
    search_fields = ["display_name", "name_en", "organisation", "industries", "region", "user__email"]
    search_backend_name = None  # plain ORM lookups: the model is not in the Wagtail search index
    form_fields = ["user", "display_name", "name_en", "is_mediator", "is_arbitrator", "photo", "ip_specialities",
                   "industries", "languages", "region", "organisation", "years_of_practice", "bio", "bio_en",
                   "availability", "is_public"]

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(queryset=NeutralProfile.objects.select_related("user"), **kwargs)


class DirectoryGroup(ModelViewSetGroup):
    items = (CourtViewSet("courts"), OrganisationViewSet("organisations"), NeutralProfileViewSet("neutrals"))
    menu_label = _("Directory")
    menu_icon = "folder-open-inverse"


@hooks.register("register_admin_viewset")
def register_directory():
    return DirectoryGroup()


@hooks.register("register_admin_viewset")
def register_api():
    """API tokens and webhook endpoints of connected platforms and courts (portal/api/backoffice.py)."""
    from portal.api.backoffice import ApiGroup

    return ApiGroup()


class StaffOnlyMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_case_manager


@hooks.register("register_admin_menu_item")
def register_intake_queue_link():
    return StaffOnlyMenuItem(_("Intake queue"), reverse("intake_queue"), icon_name="tasks", order=50)
