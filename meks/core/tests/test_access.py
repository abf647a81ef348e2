from django.db.models import Q

from meks.core.access import Role, Scope


def test_empty_scope_sees_nothing():
    scope = Scope.nothing()
    assert scope.is_empty
    assert scope.region_filter("region_id") == Q(pk__in=[])
    assert not scope.covers_region(1)


def test_national_role_covers_every_region():
    scope = Scope(role_regions={Role.PROJECT_OFFICE: None})
    assert scope.is_national
    assert scope.region_filter("region_id") == Q()
    assert scope.covers_region(99, Role.PROJECT_OFFICE)


def test_regions_are_kept_per_role():
    scope = Scope(role_regions={Role.AKIMAT: frozenset({35}), Role.UTILITY: frozenset({55})})
    assert scope.regions_for() == frozenset({35, 55})
    assert scope.covers_region(35, Role.AKIMAT)
    assert not scope.covers_region(55, Role.AKIMAT)
    assert scope.region_filter("region_id", Role.AKIMAT) == Q(region_id__in=[35])
    assert scope.region_filter("region_id", Role.PROJECT_OFFICE) == Q(pk__in=[])
