"""Postcodes: their written form, their districts, and which ones the assistant keeps."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from assistant.directory.models import District

EARTH_RADIUS_KM = 6371.0088
_POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][0-9A-Z]?[0-9][A-Z]{2}")
_DISTRICT = re.compile(r"[A-Z]{1,2}[0-9][0-9A-Z]?")

Location = tuple[float, float]


def normal_postcode(text: str) -> str | None:
    """``"b111lu"`` or ``"B11 1LU"`` as ``"B11 1LU"``; None when it is not a UK postcode."""
    compact = "".join(text.split()).upper()
    if not _POSTCODE.fullmatch(compact):
        return None
    return f"{compact[:-3]} {compact[-3:]}"


def normal_district(text: str) -> str | None:
    """``"b11"`` as ``"B11"``; None when it is not a postcode district (outward code)."""
    compact = "".join(text.split()).upper()
    return compact if _DISTRICT.fullmatch(compact) else None


def district_of(postcode: str) -> str:
    """The postcode district (outward code) of a postcode in normal form: ``B11`` of ``B11 1LU``."""
    return postcode.split()[0]


def distance_km(a: Location, b: Location) -> float:
    """The great-circle distance between two (latitude, longitude) points, in kilometres."""
    lat_a, lon_a, lat_b, lon_b = map(math.radians, (*a, *b))
    h = (
        math.sin((lat_b - lat_a) / 2) ** 2
        + math.cos(lat_a) * math.cos(lat_b) * math.sin((lon_b - lon_a) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def districts(locations: dict[str, Location]) -> dict[str, District]:
    """Each district's centroid: the mean of its postcodes' locations, to 5 decimals."""
    points: dict[str, list[Location]] = {}
    for postcode, location in locations.items():
        points.setdefault(district_of(postcode), []).append(location)
    return {
        name: District(
            district=name,
            latitude=round(sum(lat for lat, _ in inside) / len(inside), 5),
            longitude=round(sum(lon for _, lon in inside) / len(inside), 5),
            postcodes=len(inside),
        )
        for name, inside in points.items()
    }


def districts_near(
    all_districts: dict[str, District], places: Iterable[Location], within_km: float
) -> set[str]:
    """The districts whose centroid is within ``within_km`` of one of ``places``."""
    places = list(places)
    return {
        name
        for name, district in all_districts.items()
        if any(
            distance_km((district.latitude, district.longitude), place) <= within_km
            for place in places
        )
    }
