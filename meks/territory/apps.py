"""Application config of territories."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoryConfig(AppConfig):
    name = "meks.territory"
    label = "territory"
    verbose_name = _("Territories")

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from meks.core.access import Role
        from meks.core.home import register_tiles
        from meks.core.navigation import NavItem, register

        from .home import territory_tiles

        register(NavItem("regions", _("Regions"), "territory:region_list", order=80))
        register(NavItem("settlements", _("Settlements"), "territory:settlement_list", order=81))
        register(
            NavItem(
                "my_region", _("My region"), "territory:region_detail", order=20,
                roles=frozenset({Role.AKIMAT}), url_for=_my_region_url,
            )
        )
        register_tiles("territory", territory_tiles, order=80)


def _my_region_url(user, scope):
    from django.urls import reverse

    from meks.core.access import Role

    from .models import Region

    regions = scope.regions_for(Role.AKIMAT)
    if not regions:
        return None
    region = Region.objects.filter(pk__in=sorted(regions)).order_by("kato").first()
    return reverse("territory:region_detail", args=[region.kato]) if region else None
