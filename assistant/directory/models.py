"""What the directory holds: practices, PCNs, postcode districts and the sources they came from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Practice:
    """A GP practice residents register with.

    ``name`` is the name as residents write it; ``ods_name`` as published (upper case).
    """

    code: str
    name: str
    ods_name: str
    address: str
    town: str
    postcode: str
    phone: str
    pcn_code: str
    locality: str
    west_birmingham: bool
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Pcn:
    """A Primary Care Network; the address is ePCN's, empty when ePCN does not list the PCN."""

    code: str
    name: str
    ods_name: str
    address: str
    town: str
    postcode: str
    practices: int


@dataclass(frozen=True)
class District:
    """A postcode district (the outward code, e.g. ``B11``): the mean of its postcodes."""

    district: str
    latitude: float
    longitude: float
    postcodes: int


@dataclass(frozen=True)
class Source:
    """One input file: what it is, when it was published (and how we know), its checksum."""

    key: str
    file: str
    title: str
    published: str
    published_from: str
    sha256: str
    licence: str
