from django.contrib import admin

from .models import ChangeNotice, FollowUpTask, ProviderNotice, RenewalReminder


@admin.register(RenewalReminder)
class RenewalReminderAdmin(admin.ModelAdmin):
    list_display = ("approval", "kind", "status", "due_on", "sent_at", "attempts")
    list_filter = ("status", "kind")
    readonly_fields = ("approval", "kind", "due_on", "sent_at", "recipients", "attempts", "last_error")


@admin.register(ProviderNotice)
class ProviderNoticeAdmin(admin.ModelAdmin):
    list_display = ("provider", "kind", "approval", "created_at")
    list_filter = ("kind",)


@admin.register(ChangeNotice)
class ChangeNoticeAdmin(admin.ModelAdmin):
    list_display = ("provider", "approval", "submitted_at", "outcome")
    list_filter = ("outcome",)
    readonly_fields = ("changes", "staff", "evaluation", "failed_rules")


@admin.register(FollowUpTask)
class FollowUpTaskAdmin(admin.ModelAdmin):
    list_display = ("title", "case", "status", "created_at", "done_at")
    list_filter = ("status",)
