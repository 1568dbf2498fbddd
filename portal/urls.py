"""Root URLconf. Portal pages first; Wagtail serves everything else (the public site).

The public site (site search and the Wagtail pages) exists once per language:
Chinese without a prefix, English under /en/. App pages are not prefixed: they
follow the language chosen with the switcher or the browser's (portal.i18n).
"""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms.urls import app_urlpatterns as cms_app_urlpatterns
from portal.forms import EmailAuthenticationForm
from portal.views import accounts, cases, dashboards, filing, health, notifications

account_patterns = [
    path("login/", auth_views.LoginView.as_view(authentication_form=EmailAuthenticationForm,
                                                redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("register/", accounts.register, name="register"),
    path("2fa/setup/", accounts.two_factor_setup, name="two_factor_setup"),
    path("2fa/verify/", accounts.two_factor_verify, name="two_factor_verify"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]

case_patterns = [
    path("", cases.case_list, name="case_list"),
    path("queue/", cases.queue, name="intake_queue"),
    path("file/", filing.start, name="filing_start"),
    path("file/<uuid:ref>/<slug:slug>/", filing.step, name="filing_step"),
    path("<str:key>/", cases.case_detail, name="case_detail"),
    path("<str:key>/actions/<slug:action>/", cases.case_action, name="case_action"),
    path("<str:key>/documents/<uuid:uid>/", cases.document_download, name="document_download"),
]

notification_patterns = [
    path("", notifications.notification_list, name="notification_list"),
    path("<int:pk>/open/", notifications.notification_open, name="notification_open"),
    path("read/", notifications.notification_mark_all_read, name="notification_mark_all_read"),
    path("preferences/", notifications.notification_preferences, name="notification_preferences"),
]

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),  # load balancers and monitoring (docs/deployment.md)
    path("accounts/", include(account_patterns)),
    path("dashboard/", dashboards.dashboard, name="dashboard"),
    path("notifications/", include(notification_patterns)),
    path("cases/", include(case_patterns)),
    path("notary/", include("notary.urls")),
    path("mediation/", include("mediation.urls")),
    path("arbitration/", include("arbitration.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("portal.api.urls")),  # REST API for platforms and courts (docs/api.md)
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("", include(cms_app_urlpatterns)),  # infringer-list objections, case-study tool
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += i18n_patterns(
    path("", include("cms.urls")),  # site search
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
