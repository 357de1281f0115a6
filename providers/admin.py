from django.contrib import admin

from core.admin_tools import ReadOnlyHistoryAdmin, ReadOnlyInline

from .models import Department, Provider


class DepartmentInline(ReadOnlyInline):
    model = Department
    fields = ("name", "street_address", "postcode", "city", "municipality_number")


@admin.register(Provider)
class ProviderAdmin(ReadOnlyHistoryAdmin):
    """Changed by applications and change notices (providers.services), never here."""

    list_display = ("name", "orgnr", "city", "email", "phone")
    search_fields = ("name", "orgnr")
    inlines = [DepartmentInline]


@admin.register(Department)
class DepartmentAdmin(ReadOnlyHistoryAdmin):
    list_display = ("name", "provider", "municipality_number", "city")
    search_fields = ("name", "provider__name", "provider__orgnr")
    list_select_related = ("provider",)
