"""Country names for messages: ISO 3166-1 alpha-3 codes as the standard names them
(pycountry's copy of ISO 3166-1)."""

from __future__ import annotations

from planner.core.caches import cached


@cached("layers.countries.country_name", maxsize=512)
def country_name(iso3: str | None) -> str:
    """The ISO 3166-1 short name of an alpha-3 code (``KAZ`` -> ``Kazakhstan``), or the code."""
    if not iso3:
        return "?"
    import pycountry

    hit = pycountry.countries.get(alpha_3=str(iso3).upper())
    if hit is None:
        return str(iso3)
    return str(getattr(hit, "common_name", None) or hit.name)
