from django.urls import path

from . import views

app_name = "oversight"

urlpatterns = [
    path("tilsyn/utvalg/", views.targeting_list, name="targeting_list"),
    path("tilsyn/utvalg.csv", views.targeting_csv, name="targeting_csv"),
    path("tilsyn/avsluttede-godkjenninger/", views.ended_approval_clients, name="ended_approval_clients"),
    path("oversikt/per-dato/", views.as_of, name="as_of"),
    path("oversikt/statistikk/", views.statistics_page, name="statistics"),
    path("oversikt/statistikk/<slug:name>.csv", views.statistics_csv, name="statistics_csv"),
    path("virksomhet/var-bht/", views.enterprise_bht, name="enterprise_bht"),
    path("virksomhet/var-bht/erklaer/", views.enterprise_declare, name="enterprise_declare"),
    path("virksomhet/var-bht/<int:pk>/bekreft/", views.enterprise_confirm, name="enterprise_confirm"),
    path("virksomhet/var-bht/<int:pk>/bestrid/", views.enterprise_dispute, name="enterprise_dispute"),
]
