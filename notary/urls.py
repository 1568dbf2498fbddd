from django.urls import path

from notary import views

urlpatterns = [
    path("cases/<str:key>/items/", views.case_items, name="notary_case_items"),
    path("cases/<str:key>/capture/", views.case_capture, name="notary_case_capture"),
    path("items/<uuid:uid>/", views.item_detail, name="notary_item"),
    path("items/<uuid:uid>/withdraw/", views.item_withdraw, name="notary_item_withdraw"),
    path("items/<uuid:uid>/download/", views.item_download, name="notary_item_download"),
    path("items/<uuid:uid>/proof.json", views.item_proof, name="notary_item_proof"),
    path("items/<uuid:uid>/certificate.pdf", views.item_certificate, name="notary_item_certificate"),
    path("checkpoint", views.checkpoint, name="notary_checkpoint"),
    path("checkpoints/", views.checkpoint_history, name="notary_checkpoints"),
    path("consistency", views.consistency, name="notary_consistency"),
    path("key", views.verifier_key_view, name="notary_key"),
    path("verify/", views.verify, name="notary_verify"),
    path("verify/proof/<int:index>.json", views.public_proof, name="notary_public_proof"),
]
