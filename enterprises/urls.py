from django.urls import path

from . import views

app_name = "enterprises"

urlpatterns = [
    path("virksomhet/ma-vi-ha-bht/", views.obligation_check, name="obligation_check"),
    path("dispensasjoner/", views.dispensation_list_view, name="dispensation_list"),
    path("dispensasjoner/ny/", views.dispensation_create_view, name="dispensation_create"),
]
