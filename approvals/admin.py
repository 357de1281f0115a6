"""The admin for operators: every approvals record, read-only (applications, cases,
decisions, approvals, appeals and the lifecycle change only through approvals.services),
with django-simple-history's history where the model keeps it."""

from django.contrib import admin

from core.admin_tools import ReadOnlyAdmin, ReadOnlyHistoryAdmin, ReadOnlyInline

from .models import (
    Appeal,
    Application,
    ApplicationDepartment,
    ApplicationDocument,
    Approval,
    Case,
    CaseDocument,
    CaseEvent,
    CaseNote,
    CaseRequest,
    CaseRequestReply,
    ChangeNotice,
    Decision,
    DecisionLetter,
    DispensationCase,
    FollowUpTask,
    InterimReply,
    ProviderNotice,
    RenewalReminder,
    StaffMember,
)


class DepartmentInline(ReadOnlyInline):
    model = ApplicationDepartment
    fields = ("name", "street_address", "postcode", "city", "municipality_number", "carried_over")


class StaffInline(ReadOnlyInline):
    model = StaffMember
    fields = ("name", "profession", "hpr_number", "fte", "employment", "training_completed_on", "carried_over")


class DocumentInline(ReadOnlyInline):
    model = ApplicationDocument
    fields = ("kind", "original_name", "size", "uploaded_at", "carried_over")


@admin.register(Application)
class ApplicationAdmin(ReadOnlyHistoryAdmin):
    list_display = ("__str__", "orgnr", "case", "status", "renews", "submitted_at")
    list_filter = ("status",)
    search_fields = ("name", "orgnr", "case__case_number")
    list_select_related = ("case", "renews", "renews__provider")
    inlines = [DepartmentInline, StaffInline, DocumentInline]


@admin.register(ApplicationDocument)
class ApplicationDocumentAdmin(ReadOnlyHistoryAdmin):
    list_display = ("original_name", "kind", "application", "size", "uploaded_at")
    list_filter = ("kind",)
    search_fields = ("original_name", "application__name", "application__orgnr")
    list_select_related = ("application",)


class CaseEventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ("created_at", "kind", "actor", "message")


@admin.register(Case)
class CaseAdmin(ReadOnlyHistoryAdmin):
    list_display = ("case_number", "provider", "status", "assigned_to", "received_at", "decide_by", "decided_at")
    list_filter = ("status",)
    search_fields = ("case_number", "provider__name", "provider__orgnr")
    list_select_related = ("provider", "assigned_to")
    inlines = [CaseEventInline]


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "case", "kind", "actor")
    list_filter = ("kind",)
    search_fields = ("case__case_number", "message")
    list_select_related = ("case", "actor")


@admin.register(CaseNote)
class CaseNoteAdmin(ReadOnlyHistoryAdmin):
    list_display = ("case", "author", "created_at")
    search_fields = ("case__case_number", "text")
    list_select_related = ("case", "author")


@admin.register(Decision)
class DecisionAdmin(ReadOnlyHistoryAdmin):
    list_display = ("case", "outcome", "decided_by", "decided_at", "valid_from", "valid_until", "appeal_deadline")
    list_filter = ("outcome",)
    search_fields = ("case__case_number", "case__provider__name")
    list_select_related = ("case", "decided_by")


@admin.register(DecisionLetter)
class DecisionLetterAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "status", "pages", "attempts", "generated_at", "emailed_at")
    list_filter = ("status",)
    search_fields = ("decision__case__case_number",)
    list_select_related = ("decision__case",)


@admin.register(Approval)
class ApprovalAdmin(ReadOnlyHistoryAdmin):
    list_display = ("provider", "case", "status", "valid_from", "valid_until", "special_case")
    list_filter = ("status", "special_case")
    search_fields = ("provider__name", "provider__orgnr", "case__case_number")
    list_select_related = ("provider", "case")


@admin.register(Appeal)
class AppealAdmin(ReadOnlyHistoryAdmin):
    list_display = ("case", "decision", "status", "submitted_at", "handled_by", "handled_at")
    list_filter = ("status",)
    search_fields = ("case__case_number",)
    list_select_related = ("case", "decision", "decision__case", "handled_by")


@admin.register(RenewalReminder)
class RenewalReminderAdmin(ReadOnlyAdmin):
    list_display = ("approval", "kind", "status", "due_on", "sent_at", "attempts")
    list_filter = ("status", "kind")
    list_select_related = ("approval__provider",)


@admin.register(ProviderNotice)
class ProviderNoticeAdmin(ReadOnlyAdmin):
    list_display = ("provider", "kind", "approval", "created_at")
    list_filter = ("kind",)
    list_select_related = ("provider", "approval__provider")


@admin.register(ChangeNotice)
class ChangeNoticeAdmin(ReadOnlyAdmin):
    list_display = ("provider", "approval", "submitted_at", "outcome")
    list_filter = ("outcome",)
    search_fields = ("provider__name", "provider__orgnr")
    list_select_related = ("provider", "approval__provider")


@admin.register(FollowUpTask)
class FollowUpTaskAdmin(ReadOnlyAdmin):
    list_display = ("title", "case", "status", "created_at", "done_at")
    list_filter = ("status",)
    list_select_related = ("case",)


@admin.register(CaseRequest)
class CaseRequestAdmin(ReadOnlyHistoryAdmin):
    list_display = ("case", "kind", "status", "deadline", "sent_at", "answered_at")
    list_filter = ("kind", "status")
    search_fields = ("case__case_number", "case__provider__name")
    list_select_related = ("case",)


@admin.register(CaseRequestReply)
class CaseRequestReplyAdmin(ReadOnlyHistoryAdmin):
    list_display = ("request", "submitted_by", "submitted_at")
    search_fields = ("request__case__case_number",)
    list_select_related = ("request__case", "submitted_by")


@admin.register(CaseDocument)
class CaseDocumentAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "case", "appeal", "reply", "size", "uploaded_at")
    search_fields = ("case__case_number", "original_name")
    list_select_related = ("case",)


@admin.register(InterimReply)
class InterimReplyAdmin(ReadOnlyAdmin):
    list_display = ("case", "sent_at", "expected_by")
    search_fields = ("case__case_number",)
    list_select_related = ("case",)


@admin.register(DispensationCase)
class DispensationCaseAdmin(ReadOnlyHistoryAdmin):
    list_display = ("case_number", "enterprise", "kind", "status", "applied_at", "decided_at")
    list_filter = ("kind", "status")
    search_fields = ("case_number", "enterprise__name", "enterprise__orgnr")
    list_select_related = ("enterprise",)
