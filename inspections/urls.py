from django.urls import path

from . import views

app_name = "inspections"

urlpatterns = [
    # inspectors
    path("tilsyn/", views.inspection_list, name="inspection_list"),
    path("tilsyn/ny/", views.inspection_start, name="inspection_start"),
    path("tilsyn/arbeidsliste/<slug:key>/", views.worklist, name="worklist"),
    path("tilsyn/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("tilsyn/<int:pk>/sjekkliste/", views.checklist, name="checklist"),
    path("tilsyn/<int:pk>/funn/", views.finding_create, name="finding_create"),
    path("tilsyn/<int:pk>/funn/<int:finding_pk>/", views.finding_edit, name="finding_edit"),
    path("tilsyn/<int:pk>/rapport/", views.report_send, name="report_send"),
    path("tilsyn/<int:pk>/palegg/", views.order_create, name="order_create"),
    path("tilsyn/<int:pk>/reaksjon/", views.reaction_create, name="reaction_create"),
    path("tilsyn/<int:pk>/oppfolging/", views.followup_open, name="followup_open"),
    path("tilsyn/<int:pk>/avslutt/", views.inspection_close, name="inspection_close"),
    path("tilsyn/palegg/", views.order_list, name="order_list"),
    path("tilsyn/palegg/<int:pk>/", views.order_detail, name="order_detail"),
    path("tilsyn/palegg/<int:pk>/frist/", views.order_extend, name="order_extend"),
    path("tilsyn/palegg/<int:pk>/lukk/", views.order_close, name="order_close"),
    # both sides (scoped in the selectors)
    path("tilsyn/brev/<slug:kind>/<int:pk>/", views.letter_download, name="letter_download"),
    path("tilsyn/dokument/<int:pk>/", views.document_download, name="document_download"),
    # the inspected party
    path("mine-tilsyn/", views.party_list, name="party_list"),
    path("mine-tilsyn/<int:pk>/", views.party_detail, name="party_detail"),
    path("mine-tilsyn/palegg/<int:pk>/", views.party_compliance_upload, name="party_compliance_upload"),
]
