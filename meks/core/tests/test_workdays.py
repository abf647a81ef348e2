import datetime as dt

from meks.core.workdays import add_working_days, is_working_day, next_working_day, working_days_between

D = dt.date


def test_weekend_is_not_a_working_day():
    assert is_working_day(D(2026, 11, 20))  # Friday
    assert not is_working_day(D(2026, 11, 21))  # Saturday
    assert not is_working_day(D(2026, 11, 22))  # Sunday


def test_nauryz_days_on_a_weekend_move_to_the_next_working_days():
    # Nauryz is 21-23 March; in 2026 the 21st and 22nd are a weekend, so the 24th and 25th are off too.
    for day in (21, 22, 23, 24, 25):
        assert not is_working_day(D(2026, 3, day))
    assert add_working_days(D(2026, 3, 20), 1) == D(2026, 3, 26)


def test_fifteen_working_days_across_a_weekend():
    # From Monday 2 Nov 2026: 15 working days later is Monday 23 Nov (three weekends crossed).
    assert add_working_days(D(2026, 11, 2), 15) == D(2026, 11, 23)


def test_site_calendar_overrides():
    friday = D(2026, 11, 20)
    saturday = D(2026, 11, 21)
    assert not is_working_day(friday, extra_days_off=[friday])
    assert is_working_day(saturday, extra_working_days=[saturday])


def test_next_working_day_and_between():
    assert next_working_day(D(2026, 11, 21)) == D(2026, 11, 23)
    assert working_days_between(D(2026, 11, 20), D(2026, 11, 23)) == 1
    assert working_days_between(D(2026, 11, 23), D(2026, 11, 20)) == -1
