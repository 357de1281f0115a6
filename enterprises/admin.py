"""Reference data and the register copy are loaded by commands and jobs; dispensations are
decided through enterprises.services. The admin shows them read-only."""

from django.contrib import admin

from core.admin_tools import ReadOnlyAdmin, ReadOnlyInline

from .models import (
    CodeCorrespondence,
    Dispensation,
    Enterprise,
    IndustryCode,
    Municipality,
    ObligationList,
    ObligationListEntry,
    RegisterSyncState,
    SubUnit,
)


@admin.register(IndustryCode)
class IndustryCodeAdmin(ReadOnlyAdmin):
    list_display = ("code", "standard", "level", "name")
    list_filter = ("standard", "level")
    search_fields = ("code", "name")


@admin.register(CodeCorrespondence)
class CodeCorrespondenceAdmin(ReadOnlyAdmin):
    list_display = ("sn2007_code", "sn2025_code")
    search_fields = ("sn2007_code", "sn2025_code")


@admin.register(Municipality)
class MunicipalityAdmin(ReadOnlyAdmin):
    list_display = ("number", "name", "county_number", "county_name")
    search_fields = ("number", "name", "county_name")


class ObligationListEntryInline(ReadOnlyInline):
    model = ObligationListEntry
    fields = ("division", "code", "name", "condition")


@admin.register(ObligationList)
class ObligationListAdmin(ReadOnlyAdmin):
    list_display = ("valid_from", "reference", "title")
    inlines = [ObligationListEntryInline]


@admin.register(ObligationListEntry)
class ObligationListEntryAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "condition", "obligation_list")
    list_filter = ("obligation_list",)
    search_fields = ("code", "name")


@admin.register(Enterprise)
class EnterpriseAdmin(ReadOnlyAdmin):
    list_display = ("orgnr", "name", "municipality_name", "nace1", "employees", "deleted_on")
    search_fields = ("orgnr", "name")
    list_filter = ("bankrupt", "being_wound_up")


@admin.register(SubUnit)
class SubUnitAdmin(ReadOnlyAdmin):
    list_display = ("orgnr", "name", "parent", "municipality_name", "nace1", "closed_on")
    search_fields = ("orgnr", "name", "parent__orgnr")
    list_select_related = ("parent",)


@admin.register(RegisterSyncState)
class RegisterSyncStateAdmin(ReadOnlyAdmin):
    list_display = ("feed", "last_update_id", "bulk_imported_at", "synced_at")


@admin.register(Dispensation)
class DispensationAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "scope", "part", "valid_from", "valid_until", "decided_by")
    list_filter = ("scope",)
    search_fields = ("enterprise__orgnr", "enterprise__name")
    list_select_related = ("enterprise", "decided_by")
