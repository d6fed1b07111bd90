"""Write ``geodata/nsr_seas.geojson``: the water area of the Northern Sea Route split into its
seven areas of the Rules of Navigation's admission criteria (Kara Sea south-western and
north-eastern parts, Laptev Sea western and eastern, East Siberian Sea south-western and
north-eastern, Chukchi Sea). Each feature's ``sea`` (and ``area``) is the area id, ``parent``
the sea it belongs to.

Limits are approximate, drawn from published definitions (see geodata/SOURCES.md,
"## Northern Sea Route"):

* NSR water area, Merchant Shipping Code of the Russian Federation art. 5.1 (Federal Law
  132-FZ of 28 Jul 2012): west - the eastern coast of Novaya Zemlya, the western limits of the
  Matochkin Shar, Kara Gate and Yugorsky Shar straits and the meridian of Cape Zhelaniya
  (68 deg 35' E) north of Novaya Zemlya; east - the maritime boundary with the USA and the
  parallel of Cape Dezhnev (66 deg 05' N) in the Bering Strait; north - the outer limit of the
  Russian EEZ (approximated here by fixed latitudes).
* Sea limits between the four seas follow IHO S-23 (1953) "Limits of Oceans and Seas"
  simplified to a few vertices: Kara/Laptev along Severnaya Zemlya and the Vilkitsky Strait
  (Cape Arctic -> Cape Chelyuskin), Laptev/East Siberian along 140 deg E through the New
  Siberian Islands (the Sannikov and Dmitry Laptev straits are counted in the Laptev Sea),
  East Siberian/Chukchi at the 180 deg meridian (IHO uses Wrangel Island and Long Strait,
  within 1-3 deg of it).

* The splits inside the Kara, Laptev and East Siberian seas are approximations (the public
  text of the Rules' area limits was not found): see ``KARA_SPLIT``, ``LAPTEV_SPLIT_LON`` and
  ``ESS_SPLIT`` below.

Boundary vertices that run along Novaya Zemlya, Severnaya Zemlya and the mainland lie on land
(checked against Natural Earth 10m), so the polygons overlap land there; only their water
part matters. Run: ``python geodata/build_nsr_seas.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent

CAPE_DEZHNEV_LAT = 66.08  # Cape Dezhnev 66 deg 05' N (NSR eastern limit in the Bering Strait)
US_RUSSIA_LINE_LON = -168.975  # 1990 US-USSR maritime boundary line, 168 deg 58' 37" W
CAPE_ZHELANIYA_LON = 68.55  # Cape Zhelaniya, 68 deg 35' E (NSR western limit north of N. Zemlya)

#: Kara SW/NE split: the line from Cape Zhelaniya through Dikson (80 deg 24' E, 73 deg 30' N)
#: extended south-east to the Taymyr coast (an approximation of the Rules' boundary; see
#: geodata/SOURCES.md).
KARA_SPLIT = ((CAPE_ZHELANIYA_LON, 76.95), (96.61, 68.77))
LAPTEV_SPLIT_LON = 125.0  # Laptev W/E: the meridian 125 deg E, west of the Lena delta (approx.)
#: East Siberian SW/NE: the line from 76 N on 140 E to 70 N on 180 (approximation).
ESS_SPLIT = ((140.0, 76.0), (180.0, 70.0))

# (name, area id, parent sea id, ring of (lon, lat)); rings are closed below.
SEAS: list[tuple[str, str, str, list[tuple[float, float]]]] = [
    ("Kara Sea, south-western part", "kara-sw", "kara", [
        # Yugorsky Shar / Kara Gate western limits, then along the Novaya Zemlya spine
        (58.0, 68.5), (57.6, 70.0), (57.0, 70.6), (55.3, 72.0), (55.0, 73.3), (57.0, 74.6),
        (61.0, 75.8), (65.0, 76.5), KARA_SPLIT[0], KARA_SPLIT[1],
        (90.0, 66.0), (66.0, 66.0), (60.0, 67.5),
    ]),
    ("Kara Sea, north-eastern part", "kara-ne", "kara", [
        KARA_SPLIT[0], (CAPE_ZHELANIYA_LON, 81.0),
        # north, then Cape Arctic (Komsomolets I.) and down to Cape Chelyuskin
        (95.7, 81.25), (100.0, 79.0), (104.3, 77.72),
        # south along the Taymyr coast region (land)
        (104.3, 72.0), KARA_SPLIT[1],
    ]),
    ("Laptev Sea, western part", "laptev-w", "laptev", [
        (104.3, 77.72), (100.0, 79.0), (95.7, 81.25), (100.0, 81.5),
        (LAPTEV_SPLIT_LON, 80.25), (LAPTEV_SPLIT_LON, 70.5), (110.0, 71.5), (104.3, 72.0),
    ]),
    ("Laptev Sea, eastern part", "laptev-e", "laptev", [
        (LAPTEV_SPLIT_LON, 80.25), (140.0, 79.5), (140.0, 72.0), (LAPTEV_SPLIT_LON, 70.5),
    ]),
    ("East Siberian Sea, south-western part", "east-siberian-sw", "east-siberian", [
        ESS_SPLIT[0], ESS_SPLIT[1], (180.0, 68.0), (160.0, 68.5), (140.0, 72.0),
    ]),
    ("East Siberian Sea, north-eastern part", "east-siberian-ne", "east-siberian", [
        (140.0, 79.5), (180.0, 77.0), ESS_SPLIT[1], ESS_SPLIT[0],
    ]),
    ("Chukchi Sea", "chukchi", "chukchi", [
        (-180.0, 77.0), (US_RUSSIA_LINE_LON, 77.0), (US_RUSSIA_LINE_LON, CAPE_DEZHNEV_LAT),
        # west along the parallel of Cape Dezhnev over the Chukotka Peninsula (land), then
        # inland of the north Chukotka coast so that the Gulf of Anadyr stays outside
        (-172.0, CAPE_DEZHNEV_LAT), (-175.0, 67.0), (-180.0, 67.5),
    ]),
]


def feature_collection() -> dict:
    """The seas as a GeoJSON FeatureCollection (EPSG:4326)."""
    feats = []
    for name, sid, parent, ring in SEAS:
        coords = [[float(x), float(y)] for x, y in ring] + [[float(ring[0][0]), float(ring[0][1])]]
        feats.append({
            "type": "Feature",
            "properties": {"sea": sid, "area": sid, "parent": parent, "name": name,
                           "source": "approximate; see geodata/SOURCES.md ## Northern Sea Route"},
            "geometry": {"type": "Polygon", "coordinates": [coords]},
        })
    return {"type": "FeatureCollection", "features": feats}


def main() -> None:
    """Write geodata/nsr_seas.geojson."""
    out = HERE / "nsr_seas.geojson"
    out.write_text(json.dumps(feature_collection(), indent=1) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
