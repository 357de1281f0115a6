from django.urls import include, path

app_name = "approvals"

# Provider pages (urls_provider), case handler pages (urls_handler), public pages (urls_public).
urlpatterns = [
    path("", include("approvals.urls_provider")),
    path("", include("approvals.urls_handler")),
    path("", include("approvals.urls_public")),
]
