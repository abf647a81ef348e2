"""Back-office pages of procurement: read-only, since every record changes through the services.

Bids are registered with their non-sealed fields only: neither the ciphertext nor the opened price and
share are listed or shown here, and bids have no history page in the back office, so nothing of a bid's
content can be read through it before (or after) the opening; evaluators read opened bids on the platform's
pages, which check the opening first.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Award,
    Bid,
    Complaint,
    Contract,
    ContractAmendment,
    Contractor,
    ContractPayment,
    Tender,
    UnreliableSupplier,
)


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Contractor)
class ContractorAdmin(ReadOnlyAdmin):
    list_display = ("bin", "name_ru", "status", "region", "experience_years")
    list_filter = ("status",)
    search_fields = ("bin", "name_ru", "name_kk", "name_en")


@admin.register(UnreliableSupplier)
class UnreliableSupplierAdmin(ReadOnlyAdmin):
    list_display = ("contractor", "listed_from", "listed_until", "removed_at")


@admin.register(Tender)
class TenderAdmin(ReadOnlyAdmin):
    list_display = ("number", "project", "method", "estimated_value", "status", "published_at", "bid_deadline")
    list_filter = ("status", "method", "is_turnkey")
    search_fields = ("number", "ocid", "project__code", "title_ru")


@admin.register(Bid)
class BidAdmin(admin.ModelAdmin):
    """Only the non-sealed fields of a bid; no history view (a plain ModelAdmin), no edits."""

    fields = ("lot", "contractor", "status", "submitted_at", "withdrawn_at", "seal_digest", "opened_at", "opened_by")
    readonly_fields = fields
    list_display = ("lot", "contractor", "status", "submitted_at", "opened_at")
    list_filter = ("status",)

    def get_queryset(self, request):
        return super().get_queryset(request).only(*self.fields, "pk").select_related("lot", "contractor", "opened_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Award)
class AwardAdmin(ReadOnlyAdmin):
    list_display = ("lot", "contractor", "value", "status", "awarded_at")


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdmin):
    list_display = ("number", "project", "contractor", "value", "local_content_share", "status", "signed_at")
    list_filter = ("status",)
    search_fields = ("number", "project__code")


@admin.register(ContractAmendment)
class ContractAmendmentAdmin(ReadOnlyAdmin):
    list_display = ("contract", "number", "kind", "value_change", "cumulative_increase_percent", "over_limit")


@admin.register(ContractPayment)
class ContractPaymentAdmin(ReadOnlyAdmin):
    list_display = ("contract", "number", "amount", "paid_on", "cumulative_paid", "progress_cap")


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ("tender", "contractor", "subject", "status", "filed_at", "decided_at")
    list_filter = ("status",)
