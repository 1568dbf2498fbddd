"""URLs of the public site outside the Wagtail page tree (included by portal.urls before Wagtail's catch-all)."""

from django.urls import path

from cms import views

# One URL per language, like the pages (portal.urls puts these under i18n_patterns).
urlpatterns = [
    path("search/", views.search, name="site_search"),
]

# One URL in both languages, like the app pages: the objection form that a listed
# company reaches from its notice, and a back-office tool.
app_urlpatterns = [
    path("objections/infringer-list/<str:token>/", views.infringer_objection, name="infringer_objection"),
    path("cms-tools/case-study/<str:key>/", views.create_case_study, name="create_case_study"),
]
