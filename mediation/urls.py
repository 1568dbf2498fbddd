from django.urls import path

from mediation import views

urlpatterns = [
    path("invitations/<str:token>/", views.invitation, name="mediation_invitation"),
    path("<str:key>/", views.panel, name="mediation_panel"),
    path("<str:key>/actions/<slug:name>/", views.action, name="mediation_action"),
    path("<str:key>/packet.zip", views.packet, name="mediation_packet"),
    path("<str:key>/ruling/", views.ruling, name="mediation_ruling"),
]
