"""Back-office entries for case managers, and the mediation track as a source for the infringer list."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from cms import admin_views
from cms.infringers.sources import INFRINGEMENT_SOURCE_HOOK, confirmed_mediation_settlements

hooks.register(INFRINGEMENT_SOURCE_HOOK, confirmed_mediation_settlements)


@hooks.register("register_admin_urls")
def register_cms_admin_urls():
    return [
        path("case-studies/from-cases/", admin_views.CaseStudyDraftsView.as_view(), name="cms_case_study_drafts"),
        path("infringer-list/", admin_views.InfringerReviewView.as_view(), name="cms_infringer_review"),
        path("infringer-list/scan/", admin_views.scan_for_candidates, name="cms_infringer_scan"),
        path("infringer-list/candidates/<int:pk>/<slug:action>/", admin_views.decide_candidate,
             name="cms_infringer_candidate"),
        path("infringer-list/objections/<int:pk>/<slug:action>/", admin_views.decide_objection,
             name="cms_infringer_objection"),
    ]


class CaseManagerMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_case_manager


@hooks.register("register_admin_menu_item")
def register_case_study_drafts_link():
    return CaseManagerMenuItem(_("Typical case drafts"), reverse("cms_case_study_drafts"), icon_name="doc-full",
                               order=51)


@hooks.register("register_admin_menu_item")
def register_infringer_review_link():
    return CaseManagerMenuItem(_("Infringer list"), reverse("cms_infringer_review"), icon_name="warning", order=52)
