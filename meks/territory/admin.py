"""Back-office pages of territories; history is shown read-only."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import District, Region, Settlement


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ("kato", "name_ru", "name_kk", "kind", "population")
    search_fields = ("kato", "name_ru", "name_kk", "name_en")
    readonly_fields = ("version",)


@admin.register(District)
class DistrictAdmin(SimpleHistoryAdmin):
    list_display = ("kato", "name_ru", "region")
    list_filter = ("region",)
    search_fields = ("kato", "name_ru", "name_kk")
    readonly_fields = ("version",)


@admin.register(Settlement)
class SettlementAdmin(SimpleHistoryAdmin):
    list_display = ("kato", "name_ru", "kind", "region", "population", "is_monotown")
    list_filter = ("kind", "is_monotown", "region")
    search_fields = ("kato", "name_ru", "name_kk", "name_en")
    autocomplete_fields = ("region", "district")
    readonly_fields = ("version",)
