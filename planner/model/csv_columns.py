"""The CSV plan format (CONTRACT section 2): its columns and unit names."""

COLUMNS = ("asset", "nation", "kind", "crew", "speed", "speed_unit", "range", "range_unit",
           "ice_class", "seq", "at", "arrive", "depart", "purpose")
OPTIONAL = ("name", "avoid", "deny", "waters", "escort", "refuel_by", "draught_m", "runway_m",
            "fixed")
SPEED_UNITS = {"kn": "speed_kn", "kt": "speed_kt", "kmh": "speed_kmh", "km/h": "speed_kmh"}
RANGE_UNITS = {"nm": "range_nm", "km": "range_km"}
