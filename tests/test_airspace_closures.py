"""The airspace-closure layer (planner.layers.airspace_closures): rows by nation and date."""

from __future__ import annotations

import datetime as dt

from planner.layers.airspace_closures import air_closures, closed_countries, closed_to


def _at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(tzinfo=dt.UTC)


def test_pakistan_closed_to_indian_aircraft_from_24_april_2025():
    assert closed_countries("IND", _at("2025-04-23T23:59")) == ()
    assert closed_countries("IND", _at("2025-04-24")) == ("PAK",)
    assert closed_countries("IND", _at("2026-09-01")) == ("PAK",)
    shut, lo, hi = closed_to("IND", _at("2026-09-01"))
    assert lo == _at("2025-04-24").timestamp() and hi == float("inf")
    assert "including military flights" in shut[0].text and "NOTAM" in shut[0].text


def test_the_window_before_a_closure_ends_at_its_start():
    shut, lo, hi = closed_to("IND", _at("2024-01-01"))
    assert shut == () and hi == _at("2025-04-24").timestamp()


def test_other_nations_and_no_nation_are_untouched():
    assert closed_countries("RUS", _at("2026-09-01")) == ()
    assert closed_countries(None, _at("2026-09-01")) == ()
    assert closed_countries("PAK", _at("2026-09-01")) == ("IND",)  # India's reciprocal NOTAM


def test_no_date_means_the_rows_still_in_force():
    assert closed_countries("IND", None) == ("PAK",)


def test_every_row_is_sourced():
    for c in air_closures():
        assert len(c.country) == 3 and c.nations and c.source.strip() and c.text.strip()
        assert c.start.tzinfo is dt.UTC and (c.end is None or c.end > c.start)
