"""/api/: version 1 of the API, its OpenAPI schema and documentation.

Mounted by one line in portal/urls.py, before the Wagtail catch-all. Unknown
paths under /api/ answer with a problem+json 404, not the site's HTML page.
"""

from csp.decorators import csp_update
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from portal.api import (
    schema,  # noqa: F401  (registers the bearer-token security scheme)
    views,
)
from portal.api.exceptions import not_found, problem_type

app_name = "api"

# Redoc under the Content-Security-Policy (settings; its start-up script carries the nonce, see
# templates/drf_spectacular/redoc.html): the two <style>s its bundle injects before it knows the nonce,
# by hash (drf-spectacular-sidecar as pinned; tests/browser/test_csp_browser.py names new ones), and
# its search worker, which it starts from a blob: URL. Its footer logo from Redocly's CDN stays blocked.
REDOC_CSP = {
    "style-src": ["'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
                  "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='"],
    "worker-src": ["'self'", "blob:"],
}

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
    path("redoc/", csp_update(REDOC_CSP)(SpectacularRedocView.as_view(url_name="api:schema")), name="redoc"),
    path("problems/<slug:slug>", problem_type, name="problem-type"),
    path("v1/", include(v1)),
    re_path(r"^[\s\S]*$", not_found),  # any path, even one holding an encoded newline
]
