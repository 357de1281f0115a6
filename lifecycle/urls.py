from django.urls import path

from . import views

app_name = "lifecycle"

urlpatterns = [
    path("godkjenning/<int:approval_pk>/forny/", views.renewal_start, name="renewal_start"),
    path("endringsmeldinger/<int:pk>/", views.change_notice_detail, name="change_notice_detail"),
    path("oppfolging/", views.followup_list, name="followup_list"),
    path("oppfolging/<int:pk>/ferdig/", views.followup_close, name="followup_close"),
    path("drift/jobber/", views.jobs, name="jobs"),
    path("drift/jobber/<str:name>/kjor/", views.job_run_now, name="job_run_now"),
]
