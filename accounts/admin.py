from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import User


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "full_name", "role", "provider", "enterprise_orgnr", "oidc_provider", "is_active")
    list_filter = ("role", "oidc_provider", "is_active", "is_staff")
    search_fields = ("email", "full_name")
    readonly_fields = ("oidc_provider", "oidc_sub", "acting_orgnr")
    list_select_related = ("provider",)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("full_name", "role", "provider", "enterprise_orgnr")}),
        ("Login", {"fields": ("oidc_provider", "oidc_sub", "acting_orgnr")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "role", "provider", "password1", "password2")}),)
