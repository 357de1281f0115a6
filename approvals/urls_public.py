"""Public pages, no login: the register of approved providers (godkjente BHT) and its CSV."""

from django.urls import path

from approvals.views import public_register

urlpatterns = [
    path("godkjente-bht/", public_register.register, name="register"),
    path("godkjente-bht.csv", public_register.register_csv, name="register_csv"),
]
