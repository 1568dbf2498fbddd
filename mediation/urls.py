from django.urls import path

from mediation import views
from mediation.sessions import views as sessions

urlpatterns = [
    path("invitations/<str:token>/", views.invitation, name="mediation_invitation"),
    path("<str:key>/", views.panel, name="mediation_panel"),
    path("<str:key>/actions/<slug:name>/", views.action, name="mediation_action"),
    path("<str:key>/packet.zip", views.packet, name="mediation_packet"),
    path("<str:key>/ruling/", views.ruling, name="mediation_ruling"),
    # Live sessions (docs/sessions.md); room_key is joint, claimant or respondent.
    path("<str:key>/sessions/", sessions.session_index, name="mediation_sessions"),
    path("<str:key>/sessions/<slug:room_key>/", sessions.session_page, name="mediation_session"),
    path("<str:key>/sessions/<slug:room_key>/attachments/", sessions.upload_attachment,
         name="mediation_session_upload"),
    path("<str:key>/sessions/<slug:room_key>/attachments/<int:seq>/", sessions.download_attachment,
         name="mediation_session_attachment"),
    path("<str:key>/sessions/<slug:room_key>/transcripts/<int:pk>/", sessions.transcript,
         name="mediation_session_transcript"),
]
