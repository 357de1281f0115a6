from django.contrib import admin

from accounts.models import Role, User

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

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "inspector":  # only inspectors inspect
            kwargs["queryset"] = User.objects.filter(role=Role.INSPECTOR, is_active=True).order_by("full_name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("inspection", "deadline", "status", "overdue_at", "compliance_documented_at")
    list_filter = ("status",)
    readonly_fields = ("status", "overdue_at", "compliance_documented_at")


@admin.register(OrderOverdueNotice)
class OrderOverdueNoticeAdmin(admin.ModelAdmin):
    list_display = ("order", "status", "recipient", "sent_at")
    readonly_fields = ("order", "status", "recipient", "sent_at")
