from django.urls import path

from . import views

app_name = "inspections"

urlpatterns = [
    path("tilsyn/", views.inspection_list, name="inspection_list"),
    path("tilsyn/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("tilsyn/palegg/", views.order_list, name="order_list"),
    path("tilsyn/palegg/<int:pk>/", views.order_detail, name="order_detail"),
]
