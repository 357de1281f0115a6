from django.urls import path

from . import views

app_name = "providers"

urlpatterns = [
    path("bht/klienter/", views.client_list, name="client_list"),
    path("bht/klienter/ny/", views.client_add, name="client_add"),
    path("bht/klienter/last-opp/", views.client_upload, name="client_upload"),
    path("bht/klienter/opplasting/<int:pk>/", views.upload_report, name="upload_report"),
    path("bht/klienter/opplasting/<int:pk>/bekreft/", views.upload_confirm, name="upload_confirm"),
    path("bht/klienter/opplasting/<int:pk>/forkast/", views.upload_discard, name="upload_discard"),
    path("bht/klienter/<int:pk>/avslutt/", views.client_end, name="client_end"),
    path("bht/api-nokler/", views.token_list, name="token_list"),
    path("bht/api-nokler/<int:pk>/trekk-tilbake/", views.token_revoke, name="token_revoke"),
]
