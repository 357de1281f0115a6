from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.selectors import inspectors
from core.admin_tools import ReadOnlyAdmin

from .models import (
    ChecklistAnswer,
    ChecklistPoint,
    ChecklistVersion,
    Finding,
    Inspection,
    InspectionDocument,
    InspectionEvent,
    Order,
    OrderExtension,
    OrderOverdueNotice,
    PartyComment,
    Reaction,
    Report,
)


class FindingInline(admin.TabularInline):
    model = Finding
    extra = 0
    fields = ("kind", "legal_basis", "description", "intended_order")


class EventInline(admin.TabularInline):
    model = InspectionEvent
    extra = 0
    readonly_fields = ("created_at", "kind", "actor", "message")
    fields = readonly_fields
    can_delete = False


@admin.register(Inspection)
class InspectionAdmin(SimpleHistoryAdmin):
    list_display = ("name", "orgnr", "target", "kind", "inspected_on", "inspector", "status")
    list_filter = ("target", "kind", "status")
    search_fields = ("name", "orgnr")
    readonly_fields = ("status",)
    inlines = [FindingInline, EventInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "inspector":  # only inspectors inspect
            kwargs["queryset"] = inspectors()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "team":
            kwargs["queryset"] = inspectors()
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Order)
class OrderAdmin(SimpleHistoryAdmin):
    list_display = ("inspection", "deadline", "status", "overdue_at", "compliance_documented_at")
    list_filter = ("status",)
    readonly_fields = ("status", "overdue_at", "compliance_documented_at")


@admin.register(Reaction)
class ReactionAdmin(SimpleHistoryAdmin):
    list_display = ("inspection", "kind", "amount", "period", "runs_from", "stopped_on")
    list_filter = ("kind",)


class PointInline(admin.TabularInline):
    model = ChecklistPoint
    extra = 0
    readonly_fields = ("number", "position", "text_nb", "legal_reference", "per_person")
    fields = readonly_fields
    can_delete = False


@admin.register(ChecklistVersion)
class ChecklistVersionAdmin(admin.ModelAdmin):
    """Read-only: checklists are data files, loaded with `manage.py load_checklists`."""

    list_display = ("code", "version", "target", "valid_from", "loaded_at")
    inlines = [PointInline]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OrderOverdueNotice)
class OrderOverdueNoticeAdmin(admin.ModelAdmin):
    list_display = ("order", "status", "recipient", "sent_at")
    readonly_fields = ("order", "status", "recipient", "sent_at")


# Written only through inspections.services: shown to operators, never changed here.
@admin.register(ChecklistPoint)
class ChecklistPointAdmin(ReadOnlyAdmin):
    list_display = ("checklist", "number", "legal_reference", "per_person")


@admin.register(ChecklistAnswer)
class ChecklistAnswerAdmin(ReadOnlyAdmin):
    list_display = ("inspection", "point", "subject", "result")


@admin.register(InspectionEvent)
class InspectionEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "inspection", "kind", "actor")
    list_filter = ("kind",)


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ("inspection", "sent_at", "comment_deadline")


@admin.register(PartyComment)
class PartyCommentAdmin(ReadOnlyAdmin):
    list_display = ("inspection", "submitted_by", "submitted_at")


@admin.register(OrderExtension)
class OrderExtensionAdmin(ReadOnlyAdmin):
    list_display = ("order", "old_deadline", "new_deadline", "decided_by")


@admin.register(InspectionDocument)
class InspectionDocumentAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "inspection", "purpose", "content_type", "uploaded_at")
    list_filter = ("purpose",)
