"""/api/: version 1 of the API, its OpenAPI schema and documentation.

Mounted by one line in portal/urls.py, before the Wagtail catch-all. Unknown
paths under /api/ answer with a problem+json 404, not the site's HTML page.
"""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from portal.api import (
    schema,  # noqa: F401  (registers the bearer-token security scheme)
    views,
)
from portal.api.exceptions import not_found, problem_type

app_name = "api"

v1 = [
    path("complaints", views.ComplaintListView.as_view(), name="complaint-list"),
    path("complaints/bulk", views.ComplaintBulkView.as_view(), name="complaint-bulk"),
    path("complaints/<uuid:ref>", views.ComplaintDetailView.as_view(), name="complaint-detail"),
    path("complaints/<uuid:ref>/evidence", views.ComplaintEvidenceView.as_view(), name="complaint-evidence"),
    path("complaints/<uuid:ref>/outcome", views.ComplaintOutcomeView.as_view(), name="complaint-outcome"),
    path("complaints/<uuid:ref>/documents/<uuid:uid>", views.ComplaintDocumentView.as_view(),
         name="complaint-document"),
    path("referrals", views.ReferralListView.as_view(), name="referral-list"),
    path("referrals/<uuid:ref>", views.ReferralDetailView.as_view(), name="referral-detail"),
    path("confirmation-packets", views.PacketListView.as_view(), name="packet-list"),
    path("confirmation-packets/<int:pk>", views.PacketDetailView.as_view(), name="packet-detail"),
    path("confirmation-packets/<int:pk>/download", views.PacketDownloadView.as_view(), name="packet-download"),
    path("confirmation-packets/<int:pk>/ruling", views.PacketRulingView.as_view(), name="packet-ruling"),
]

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("problems/<slug:slug>", problem_type, name="problem-type"),
    path("v1/", include(v1)),
    re_path(r"^[\s\S]*$", not_found),  # any path, even one holding an encoded newline
]
