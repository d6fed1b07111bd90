"""The passage-closure layer (planner.layers.passage_closures): the Black Sea boxes against
real port positions and the sea network, and the rows in force by nation, direction and date."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace as P

import pytest

from planner.layers.passage_closures import behind, closure_for, closures, direction
from planner.routing.sea import sea_route

# Approximate harbour positions (degrees, rounded), typed in independently of the catalogue
BLACK_SEA = {"Varna": (43.19, 27.92), "Burgas": (42.49, 27.48), "Constanta": (44.17, 28.65),
             "Odesa": (46.49, 30.74), "Sevastopol": (44.62, 33.53), "Kerch": (45.35, 36.47),
             "Taganrog": (47.21, 38.94), "Novorossiysk": (44.72, 37.79), "Batumi": (41.65, 41.64),
             "Trabzon": (41.00, 39.73), "Samsun": (41.30, 36.34), "Sinop": (42.02, 35.15),
             "Kilyos": (41.25, 29.03)}
OUTSIDE = {"Istanbul (Haydarpasa)": (41.00, 29.02), "Izmit": (40.76, 29.92),
           "Tekirdag": (40.97, 27.51), "Canakkale": (40.15, 26.40),
           "Thessaloniki": (40.63, 22.94), "Piraeus": (37.94, 23.64),
           "Alexandroupoli": (40.84, 25.88), "Anadolu Kavagi (in the Bosporus)": (41.17, 29.09)}


@pytest.mark.parametrize("name", sorted(BLACK_SEA))
def test_black_sea_ports_lie_behind_the_straits(name):
    assert behind("black-sea", *BLACK_SEA[name])


@pytest.mark.parametrize("name", sorted(OUTSIDE))
def test_marmara_aegean_and_bosporus_ports_do_not(name):
    assert not behind("black-sea", *OUTSIDE[name])


@pytest.mark.parametrize("name", ["Varna", "Odesa", "Batumi", "Taganrog", "Tekirdag",
                                  "Izmit", "Thessaloniki"])
def test_the_boxes_agree_with_the_sea_network(name):
    """Independent of the boxes: a sea route from Mumbai passes the Bosporus exactly when
    its destination lies behind it."""
    lat, lon = {**BLACK_SEA, **OUTSIDE}[name]
    r = sea_route("mumbai", f"{lat},{lon}")
    assert ("bosporus" in r.passages) == behind("black-sea", lat, lon), r.passages


def _at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(tzinfo=dt.UTC)


MUMBAI, NOVO = P(lat=19.05, lon=72.84), P(lat=44.72, lon=37.79)


def test_direction_follows_the_two_ends():
    assert direction("black-sea", MUMBAI, NOVO) == "enter"
    assert direction("black-sea", NOVO, MUMBAI) == "leave"
    assert direction("black-sea", NOVO, P(lat=44.62, lon=33.53)) is None
    assert direction("black-sea", MUMBAI, P(lat=1.24, lon=103.83)) is None


def test_belligerent_leaving_is_refused_from_28_february_2022_only():
    before, lo, hi = closure_for("RUS", NOVO, MUMBAI, _at("2022-02-27T23:59"))
    assert before is None and hi == _at("2022-02-28").timestamp()
    after, lo, hi = closure_for("RUS", NOVO, MUMBAI, _at("2022-02-28"))
    assert after.severity == "error" and after.rule == "montreux-art19"
    assert lo == _at("2022-02-28").timestamp()
    assert "art. 19" in after.text and "Montreux" in after.source


def test_belligerent_entering_is_a_warning_its_own_row_over_the_general_one():
    c, _, _ = closure_for("RUS", MUMBAI, NOVO, _at("2027-03-01"))
    assert c.severity == "warning" and c.rule == "montreux-art19"
    assert "returning to its base" in c.text


def test_non_belligerent_entering_is_refused_leaving_is_free():
    c, _, _ = closure_for("IND", MUMBAI, NOVO, _at("2027-03-01"))
    assert c.severity == "error" and c.rule == "turkey-black-sea"
    assert "2 Jan 2024" in c.text
    assert closure_for("IND", NOVO, MUMBAI, _at("2027-03-01"))[0] is None
    assert closure_for("IND", MUMBAI, NOVO, _at("2022-02-28"))[0] is None  # from 1 Mar 2022


def test_no_date_means_the_rows_still_in_force():
    assert closure_for("IND", MUMBAI, NOVO, None)[0].rule == "turkey-black-sea"


def test_every_row_is_sourced_and_well_formed():
    rows = closures()
    assert rows
    for c in rows:
        assert c.direction in ("enter", "leave") and c.severity in ("error", "warning")
        assert c.source.strip() and c.text.strip() and c.start.tzinfo is dt.UTC
        assert c.end is None or c.end > c.start
