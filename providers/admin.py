from django.contrib import admin

from core.admin_tools import ReadOnlyAdmin, ReadOnlyHistoryAdmin, ReadOnlyInline

from .models import Affiliation, ApiToken, ClientListUpload, Department, Provider


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


@admin.register(Affiliation)
class AffiliationAdmin(ReadOnlyHistoryAdmin):
    """Client lists change through providers.services (the provider, the enterprise), never here."""

    list_display = ("enterprise", "subunit_orgnr", "provider", "valid_from", "valid_to", "source", "status")
    list_filter = ("source", "status")
    search_fields = ("enterprise__orgnr", "enterprise__name", "subunit_orgnr", "provider__name", "provider__orgnr")
    list_select_related = ("enterprise", "provider")


@admin.register(ClientListUpload)
class ClientListUploadAdmin(ReadOnlyAdmin):
    list_display = ("provider", "uploaded_at", "status", "rows_total", "accepted_count", "refused_count")
    list_filter = ("status", "via_api")
    list_select_related = ("provider",)
    exclude = ("accepted",)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """The key itself is never stored; revoking is the provider's users' (providers.services)."""

    list_display = ("provider", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    list_select_related = ("provider",)
    exclude = ("key_hash",)
