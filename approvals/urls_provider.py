"""Provider-side pages: applications, staff roster, documents, submission."""

from django.urls import path

from approvals.views import lifecycle as lifecycle_views
from approvals.views import provider as views
from approvals.views import provider_cases

urlpatterns = [
    path("soknader/", views.application_list, name="application_list"),
    path("soknader/ny/", views.application_create, name="application_create"),
    path("soknader/<int:pk>/", views.application_detail, name="application_detail"),
    path("soknader/<int:pk>/rediger/", views.application_edit, name="application_edit"),
    path("soknader/<int:pk>/regelsjekk/", views.application_rule_panel, name="application_rule_panel"),
    path("soknader/<int:pk>/dokumenter/", views.application_documents, name="application_documents"),
    path(
        "soknader/<int:pk>/dokumenter/<int:document_pk>/slett/",
        views.document_delete,
        name="application_document_delete",
    ),
    path("soknader/<int:pk>/send-inn/", views.application_submit, name="application_submit"),
    path("soknader/<int:pk>/kvittering/", views.application_receipt, name="application_receipt"),
    path("soknader/<int:pk>/ny-versjon/", views.application_revise, name="application_revise"),
    path("dokumenter/<int:pk>/", views.document_download, name="document_download"),
    # Requests from Arbeidstilsynet (more information, advance notice) and their answers.
    path("foresporsler/<int:pk>/", provider_cases.request_reply, name="request_reply"),
    path("foresporsler/<int:pk>/varsel.pdf", provider_cases.request_letter_download, name="request_letter_download"),
    path("saksdokumenter/<int:pk>/", provider_cases.case_document_download, name="case_document_download"),
    path("klager/<int:pk>/klagevedtak.pdf", provider_cases.appeal_letter_download, name="appeal_letter_download"),
    path("vedtak/<int:pk>/klage", provider_cases.appeal_create, name="appeal_create"),
    # The approval's lifecycle on the provider's side: change notice (endringsmelding), renewal.
    path("endringsmelding/", lifecycle_views.change_notice_create, name="change_notice_create"),
    path("endringsmelding/regelsjekk/", lifecycle_views.change_notice_rule_panel, name="change_notice_rule_panel"),
    path("endringsmeldinger/<int:pk>/", lifecycle_views.change_notice_detail, name="change_notice_detail"),
    path("godkjenning/<int:approval_pk>/forny/", lifecycle_views.renewal_start, name="renewal_start"),
]
