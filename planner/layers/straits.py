"""Straits used for international navigation, and the canals, that stay open to warships in
every ``waters`` mode (CONTRACT section 1).

Inside these areas a third country's territorial sea is crossed under a passage regime of its
own, not innocent passage, so the sea router neither charges nor closes it and the route names
the strait instead:

* ``transit``: transit passage through straits used for international navigation (UNCLOS 1982
  Part III, arts. 37-44);
* ``montreux``: the Turkish Straits (Dardanelles, Sea of Marmara, Bosporus) under the Montreux
  Convention (1936), whose arts. 10-18 set notice periods and tonnage limits for warships;
* ``corridor``: straits where a route through the high seas or an exclusive economic zone of
  similar convenience runs through the strait, so that Part III does not apply (UNCLOS art. 36)
  and a warship keeps to that corridor like any open sea: third-country territorial seas
  there cost as on any coast (``prefer``) or are closed (``avoid``). Where the coastal states
  keep a territorial sea narrower than 12 nm (``sea_nm``) the network's waters are computed
  at build time from a sea of that breadth: Japan 3 nm in the five specified areas (Soya,
  Tsugaru, the eastern and western channels of the Tsushima Strait, Osumi; Law on the
  Territorial Sea, 1977, Supplementary Provisions para. 2 and Enforcement Order, annex) and
  South Korea 3 nm in the Korea Strait (Territorial Sea Act, 1977, Enforcement Decree art. 3);
  Greece and Turkey 6 nm in the Aegean (Greece: Law 230/1936, extended to 12 nm only in the
  Ionian Sea by Law 4767/2021; Turkey: Territorial Waters Law 2674 of 1982, 6 nm in the
  Aegean). The Taiwan Strait (about 70 nm wide at its narrowest) and the Luzon Strait keep
  an EEZ corridor between 12 nm seas;
* ``archipelagic``: archipelagic sea lanes passage (UNCLOS arts. 53-54) along the routes
  normally used for international navigation (art. 53(12)) through the Philippines: the
  Mindanao (Bohol) Sea and the Surigao Strait, the way between the Sulu Sea and the Pacific,
  and the Verde Island Passage, Sibuyan Sea and San Bernardino Strait, the way between the
  South China Sea and the Pacific;
* ``canal``: the Suez Canal (Constantinople Convention, 1888) and the Panama Canal (Neutrality
  Treaty, 1977), passage under their conventions.

Only the ``transit``, ``montreux``, ``archipelagic`` and ``canal`` areas are free in every
``waters`` mode (:data:`FREE`): no route through international waters exists there.

The areas are lon/lat boxes round each strait's narrows, drawn generously enough to hold the
approaches where the two coasts' 12 nm seas meet (limits after IHO S-23 "Limits of Oceans and
Seas", 3rd ed. 1953, simplified), and tight enough that a coastal route along the open coast
outside the narrows is not exempted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TERRITORIAL_SEA_NM = 12.0  # UNCLOS (1982) art. 3
JAPAN_STRAITS_NM = 3.0  # Japan, Law on the Territorial Sea 1977, Suppl. Provisions para. 2
KOREA_STRAIT_NM = 3.0  # South Korea, Territorial Sea Act 1977, Enforcement Decree art. 3
AEGEAN_NM = 6.0  # Greece, Law 230/1936; Turkey, Territorial Waters Law 2674 (1982) art. 1


@dataclass(frozen=True)
class Strait:
    """A strait or canal: ``key``, printed ``name``, passage ``regime``, bordering ``states``
    (ISO3), its area ``box`` (lon0, lat0, lon1, lat1, degrees) and, for a ``corridor``, the
    breadth of the territorial sea of the states that keep less than 12 nm inside the area
    (``sea_nm``: (ISO3, nm) pairs; any other state 12 nm)."""

    key: str
    name: str
    regime: str
    states: tuple[str, ...]
    box: tuple[float, float, float, float]
    sea_nm: tuple[tuple[str, float], ...] = ()

    def breadth_nm(self, iso3: str) -> float:
        """Breadth of ``iso3``'s territorial sea inside the area (nm)."""
        return dict(self.sea_nm).get(iso3, TERRITORIAL_SEA_NM)


#: Every strait and canal the router keeps open (the order is the index stored per edge).
STRAITS: tuple[Strait, ...] = (
    Strait("malacca", "Strait of Malacca and Singapore Strait", "transit",
           ("MYS", "IDN", "SGP", "THA"), (95.0, 0.8, 104.6, 6.5)),
    # Bab-el-Mandeb with the southern Red Sea to the Hanish and Zuqar islands (the channels
    # where the Red Sea traffic runs between the Yemeni islands' and Eritrea's seas)
    Strait("bab-el-mandeb", "Bab-el-Mandeb", "transit", ("YEM", "DJI", "ERI"),
           (42.3, 12.2, 43.9, 14.1)),
    Strait("hormuz", "Strait of Hormuz", "transit", ("OMN", "IRN", "ARE"),
           (55.8, 25.7, 57.3, 27.0)),
    Strait("gibraltar", "Strait of Gibraltar", "transit", ("ESP", "MAR", "GBR", "GIB"),
           (-6.1, 35.7, -5.0, 36.3)),
    Strait("dover", "Strait of Dover", "transit", ("GBR", "FRA"), (0.9, 50.6, 2.1, 51.35)),
    Strait("danish-straits", "the Danish straits (Great Belt, The Sound, Little Belt)",
           "transit", ("DNK", "SWE", "DEU"), (9.6, 54.3, 13.2, 56.6)),
    # the Kattegat north to the Skaw: the deep-water route (Route T) runs between Anholt,
    # Laeso and the Swedish coast, where the Danish and Swedish 12 nm seas (and Sweden's
    # straight baselines) leave no corridor
    Strait("kattegat", "the Kattegat (approach to the Danish straits)", "transit",
           ("DNK", "SWE"), (10.4, 56.6, 12.6, 57.75)),
    # with the Dardanelles approach between the Turkish islands of Imbros (Gokceada) and
    # Tenedos (Bozcaada), whose 6 nm seas leave no corridor to the entrance, and the Bosporus
    # approach out to the 12 nm line of the Black Sea coast
    Strait("turkish-straits", "the Turkish Straits (Dardanelles, Marmara, Bosporus)",
           "montreux", ("TUR",), (25.6, 39.7, 29.4, 41.45)),
    Strait("sunda", "Sunda Strait", "transit", ("IDN",), (104.9, -6.9, 106.4, -5.6)),
    Strait("lombok", "Lombok Strait", "transit", ("IDN",), (115.4, -9.2, 116.2, -8.0)),
    Strait("ombai-wetar", "Ombai and Wetar straits", "transit", ("IDN", "TLS"),
           (124.0, -8.9, 127.3, -7.6)),
    Strait("taiwan", "Taiwan Strait", "corridor", ("CHN", "TWN"), (117.5, 22.3, 121.2, 26.3)),
    Strait("luzon", "Luzon Strait (Bashi, Balintang, Babuyan channels)", "corridor",
           ("PHL", "TWN"), (119.8, 18.4, 122.6, 22.2)),
    Strait("korea", "Korea Strait and Tsushima Strait", "corridor", ("KOR", "JPN"),
           (127.8, 33.3, 131.0, 35.4), (("KOR", KOREA_STRAIT_NM), ("JPN", JAPAN_STRAITS_NM))),
    Strait("tsugaru", "Tsugaru Strait", "corridor", ("JPN",), (139.7, 41.0, 141.9, 41.95),
           (("JPN", JAPAN_STRAITS_NM),)),
    Strait("osumi", "Osumi Strait", "corridor", ("JPN",), (130.4, 30.55, 131.25, 31.15),
           (("JPN", JAPAN_STRAITS_NM),)),
    Strait("soya", "Soya (La Perouse) Strait", "corridor", ("JPN", "RUS"),
           (141.2, 45.2, 142.7, 46.25), (("JPN", JAPAN_STRAITS_NM),)),
    # the Aegean between the Kythira and Antikythera straits, the Dardanelles approach and the
    # Turkish coast (the Cyclades, Kafireas and Chios channels), with Crete and the Kasos and
    # Karpathos straits (Greece keeps 6 nm there too; 12 nm only in the Ionian Sea)
    Strait("aegean", "the Aegean (Greek and Turkish 6 nm seas)", "corridor", ("GRC", "TUR"),
           (22.6, 34.7, 28.0, 40.3), (("GRC", AEGEAN_NM), ("TUR", AEGEAN_NM))),
    Strait("surigao", "Mindanao Sea and Surigao Strait (Philippine archipelagic waters)",
           "archipelagic", ("PHL",), (122.9, 8.6, 125.9, 10.6)),
    Strait("san-bernardino", "Verde Island Passage, Sibuyan Sea and San Bernardino Strait "
           "(Philippine archipelagic waters)", "archipelagic", ("PHL",),
           (120.0, 12.2, 124.6, 14.2)),
    Strait("bering", "Bering Strait", "transit", ("RUS", "USA"), (-171.0, 64.5, -167.0, 66.8)),
    Strait("suez", "Suez Canal", "canal", ("EGY",), (32.0, 29.6, 32.8, 31.9)),
    # the canal's southern approach: the Gulf of Suez from the Strait of Gubal and Shadwan
    # island, all of it within Egypt's 12 nm
    Strait("gulf-of-suez", "Gulf of Suez (approach to the Suez Canal)", "canal", ("EGY",),
           (32.3, 27.1, 34.4, 29.95)),
    Strait("panama", "Panama Canal", "canal", ("PAN",), (-80.2, 8.5, -79.3, 9.6)),
)
KEYS = tuple(s.key for s in STRAITS)
#: Regimes under which a third country's territorial sea is free in every ``waters`` mode.
FREE_REGIMES = ("transit", "montreux", "archipelagic", "canal")
#: Per index into :data:`STRAITS`, and False for -1 (outside every strait): the area is free.
FREE = np.array([s.regime in FREE_REGIMES for s in STRAITS] + [False])
FREE.flags.writeable = False


def strait_of(lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
    """Index into :data:`STRAITS` of the area holding each point, -1 outside all (degrees;
    longitudes in [-180, 180))."""
    lons, lats = np.asarray(lons, float), np.asarray(lats, float)
    out = np.full(lons.shape, -1, np.int16)
    for i, s in enumerate(STRAITS):
        x0, y0, x1, y1 = s.box
        inside = (lons >= x0) & (lons <= x1) & (lats >= y0) & (lats <= y1) & (out < 0)
        out[inside] = i
    return out
