from django.urls import include, path

app_name = "approvals"

# Provider pages (urls_provider), case handler pages and the public register (urls_handler).
urlpatterns = [
    path("", include("approvals.urls_provider")),
    path("", include("approvals.urls_handler")),
]
