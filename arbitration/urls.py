from django.urls import path

from arbitration import views, views_hearing, views_transfer

urlpatterns = [
    path("fees/calculator/", views.fee_calculator, name="arbitration_fee_calculator"),
    path("notices/<str:token>/", views.notice, name="arbitration_notice"),
    path("payments/dev/<str:reference>/", views.dev_gateway, name="arbitration_dev_gateway"),
    path("<str:key>/", views.panel, name="arbitration_panel"),
    path("<str:key>/transfer/", views_transfer.agree, name="arbitration_transfer"),
    path("<str:key>/actions/<slug:name>/", views.action, name="arbitration_action"),
    path("<str:key>/hearings/<int:pk>.ics", views.hearing_calendar, name="arbitration_hearing_ics"),
    path("<str:key>/hearings/<int:pk>/room/", views_hearing.hearing_room, name="arbitration_hearing_room"),
    path("<str:key>/hearings/<int:pk>/transcripts/<int:transcript>/", views_hearing.hearing_transcript,
         name="arbitration_hearing_transcript"),
    path("<str:key>/enforcement-packet.zip", views.packet, name="arbitration_packet"),
]
