"""Back-office pages of organizations, users and roles."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Organization, RoleAssignment, User


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ("name_ru", "kind", "bin", "region", "is_active")
    list_filter = ("kind", "region", "is_active")
    search_fields = ("name_ru", "name_kk", "name_en", "bin")
    readonly_fields = ("version",)


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    filter_horizontal = ("regions",)
    exclude = ("version",)


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
    list_display = ("username", "last_name", "first_name", "organization", "is_active", "is_staff")
    list_filter = ("is_active", "is_staff", "organization__kind")
    search_fields = ("username", "last_name", "first_name", "email")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Platform"), {"fields": ("middle_name", "organization", "position_ru", "position_kk", "position_en", "phone", "language")}),
    )
    inlines = [RoleAssignmentInline]

    def has_delete_permission(self, request, obj=None):
        # Accounts are deactivated, never deleted: their names stay on every change they made.
        return False
