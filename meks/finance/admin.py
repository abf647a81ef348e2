"""Back-office pages of financing: the channels are reference data edited here; history is shown read-only.

Applications, decisions and tranches change only through the services (their lifecycle and checks), so
the back office shows them read-only.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import BudgetLine, FinancingApplication, FinancingChannel, FinancingDecision, Tranche


@admin.register(FinancingChannel)
class FinancingChannelAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name_ru", "lender_kind", "rate_subsidised", "order", "is_active")
    list_filter = ("lender_kind", "rate_subsidised", "is_active")
    search_fields = ("code", "name_ru", "name_kk", "name_en")
    readonly_fields = ("version",)


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FinancingApplication)
class FinancingApplicationAdmin(ReadOnlyAdmin):
    list_display = ("number", "project", "channel", "amount_requested", "status", "round", "lender")
    list_filter = ("status", "channel", "round")
    search_fields = ("number", "project__code")


@admin.register(FinancingDecision)
class FinancingDecisionAdmin(ReadOnlyAdmin):
    list_display = ("number", "date", "application", "amount_approved", "round")


@admin.register(Tranche)
class TrancheAdmin(ReadOnlyAdmin):
    list_display = ("application", "number", "planned_date", "planned_amount", "paid_on", "paid_amount")


@admin.register(BudgetLine)
class BudgetLineAdmin(ReadOnlyAdmin):
    list_display = ("administrator_code", "programme_code", "subprogramme_code", "year", "allocated", "spent", "project")
    list_filter = ("year",)
