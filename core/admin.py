from django.contrib import admin

from .models import JobRun


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = ("job", "status", "attempt", "started_at", "finished_at")
    list_filter = ("status", "job")
    readonly_fields = ("job", "task_id", "attempt", "status", "started_at", "finished_at", "counts", "error")
