"""Where "near" is, without a geocoding service.

A search near a postcode, ZIP code or place looks the words up in the
gazetteer the service loads (`Place`: open postcode and place-name data with
coordinates), then in the directory's own addresses, and measures distances
on the sphere. `distance_km` and `normalise` are pure.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0088
KM_PER_MILE = 1.609344

# A UK postcode: outward code (district) then inward code. The inward code is
# optional so a district alone ("CF99") also matches.
UK_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})?$")
ZIP_CODE = re.compile(r"^([0-9]{5})(?:-[0-9]{4})?$")
COORDINATES = re.compile(r"^(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)$")


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float
    name: str = ""


def distance_km(a: Point, b: Point) -> float:
    """Great-circle distance by the haversine formula, accurate to well
    under 1% over the distances anyone travels to a meeting."""
    lat1, lon1, lat2, lon2 = map(
        math.radians, (a.latitude, a.longitude, b.latitude, b.longitude)
    )
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def normalise(text: str) -> str:
    """The gazetteer key for what someone typed: postcodes upper case with
    one space before the inward code, names lower case with single spaces."""
    cleaned = " ".join(text.split())
    compact = cleaned.upper().replace(" ", "")
    match = UK_POSTCODE.match(compact)
    if match:
        outward, inward = match.groups()
        return f"{outward} {inward}" if inward else outward
    zip_match = ZIP_CODE.match(compact)
    if zip_match:
        return zip_match.group(1)
    return cleaned.casefold()


def district_of(key: str) -> str | None:
    """The postcode district of a full UK postcode key, if it is one."""
    match = UK_POSTCODE.match(key.replace(" ", ""))
    if match and match.group(2):
        return match.group(1)
    return None


def parse_coordinates(text: str) -> Point | None:
    """ "51.70, -3.40" as a point, if the text is a latitude and longitude."""
    match = COORDINATES.match(text.strip())
    if not match:
        return None
    latitude, longitude = float(match.group(1)), float(match.group(2))
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return Point(latitude, longitude, text.strip())


def locate(text: str) -> Point | None:
    """Where `text` is: coordinates as given; else the gazetteer (the exact
    postcode, then its district, then a place name); else the first
    directory address with that postcode or town whose location has
    coordinates. None when nothing matches."""
    from caremap.directory.models import Address, Place

    text = (text or "").strip()
    if not text:
        return None
    point = parse_coordinates(text)
    if point:
        return point
    key = normalise(text)
    keys = [key]
    district = district_of(key)
    if district:
        keys.append(district)
    places = {p.key: p for p in Place.objects.filter(key__in=keys)}
    for candidate in keys:
        place = places.get(candidate)
        if place:
            return Point(place.latitude, place.longitude, place.name)
    address = (
        Address.objects.filter(
            location__latitude__isnull=False, location__longitude__isnull=False
        )
        .filter(_address_matches(text, key))
        .select_related("location")
        .order_by("id")
        .first()
    )
    if address:
        location = address.location
        return Point(location.latitude, location.longitude, text)
    return None


def _address_matches(text, key):
    from django.db.models import Q

    if UK_POSTCODE.match(key.replace(" ", "")) or ZIP_CODE.match(key):
        return Q(postal_code__iexact=key) | Q(postal_code__iexact=key.replace(" ", ""))
    return Q(city__iexact=" ".join(text.split()))
