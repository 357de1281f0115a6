from django.contrib import admin

from .models import Finding, Inspection, Order, OrderOverdueNotice


class FindingInline(admin.TabularInline):
    model = Finding
    extra = 0


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ("name", "orgnr", "target", "kind", "inspected_on", "inspector")
    list_filter = ("target", "kind")
    search_fields = ("name", "orgnr")
    inlines = [FindingInline]


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("inspection", "deadline", "status", "overdue_at", "compliance_documented_at")
    list_filter = ("status",)
    readonly_fields = ("status", "overdue_at", "compliance_documented_at")


@admin.register(OrderOverdueNotice)
class OrderOverdueNoticeAdmin(admin.ModelAdmin):
    list_display = ("order", "status", "recipient", "sent_at")
    readonly_fields = ("order", "status", "recipient", "sent_at")
