"""Case handler pages: the case queue and case page, decisions, follow-up tasks, appeals."""

from django.urls import path

from approvals.views import dispensations, handler
from approvals.views import lifecycle as lifecycle_views

urlpatterns = [
    path("saker/", handler.case_queue, name="case_queue"),
    path("saker/<int:pk>/", handler.case_detail, name="case_detail"),
    path("saker/<int:pk>/tildel", handler.case_assign, name="case_assign"),
    path("saker/<int:pk>/be-om-opplysninger", handler.case_request_information, name="case_request_information"),
    path("saker/<int:pk>/merknad", handler.case_note_add, name="case_note_add"),
    path("saker/<int:pk>/vedtak", handler.case_decide, name="case_decide"),
    path("saker/<int:pk>/varsle-tilbakekall", handler.case_revocation_notify, name="case_revocation_notify"),
    path("saker/<int:pk>/frafall-tilbakekall", handler.case_revocation_drop, name="case_revocation_drop"),
    path("oppfolging/", lifecycle_views.followup_list, name="followup_list"),
    path("oppfolging/<int:pk>/ferdig/", lifecycle_views.followup_close, name="followup_close"),
    path("klager/<int:pk>/for-sent", handler.appeal_late_decide, name="appeal_late_decide"),
    path("klager/<int:pk>/omgjor", handler.appeal_reverse, name="appeal_reverse"),
    path("klager/<int:pk>/oversend", handler.appeal_forward, name="appeal_forward"),
    path("klager/<int:pk>/klageinstans", handler.appeal_directorate, name="appeal_directorate"),
    path("dispensasjonssaker/", dispensations.dispensation_case_list, name="dispensation_case_list"),
    path("dispensasjonssaker/ny/", dispensations.dispensation_case_new, name="dispensation_case_new"),
    path("dispensasjonssaker/<int:pk>/", dispensations.dispensation_case_detail, name="dispensation_case_detail"),
    path(
        "dispensasjonssaker/<int:pk>/vedtak.pdf",
        dispensations.dispensation_letter_download,
        name="dispensation_letter_download",
    ),
    path("dispensasjon/soknad/", dispensations.dispensation_apply, name="dispensation_apply"),
    path("vedtak/<int:pk>/brev.pdf", handler.letter_download, name="letter_download"),
]
