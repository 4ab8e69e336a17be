"""Finding practices by name, by PCN and by postcode, on the real imported directory."""

import pytest

from assistant.directory.importer import SourceFiles, import_directory
from assistant.directory.lookup import OUTSIDE_KM, DirectoryLookup
from tests.directory_files import shared_data


@pytest.fixture(scope="module")
def lookup() -> DirectoryLookup:
    found = import_directory(SourceFiles.in_folder(shared_data()))
    return DirectoryLookup(found.practices, found.pcns, found.districts, found.postcodes)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("which PCN is Shah Zaman Surgery in?", "M85001"),
        ("phone number for the limes small heath", "M85024"),
        ("apollo surgery great barr", "M85158"),
        ("apolo surgery", "M85158"),  # a typo
        ("the limes", "M85024"),  # without "medical centre"
    ],
)
def test_a_practice_is_found_however_residents_type_its_name(lookup, text, code):
    assert [p.code for p in lookup.practices_named(text)] == [code]


def test_a_name_that_fits_no_practice_finds_none(lookup):
    assert lookup.practices_named("what is the integrated care system") == []


def test_a_practice_knows_its_pcn_and_the_pcn_its_practices(lookup):
    (limes,) = lookup.practices_named("the limes medical centre")
    pcn = lookup.pcn_of(limes)
    assert limes in lookup.members(pcn)
    assert len(lookup.members(pcn)) == pcn.practices


def test_a_pcn_is_found_by_its_name(lookup):
    (pcn,) = lookup.pcns_named("which practices are in Small Heath PCN?")
    assert "small heath" in pcn.name.casefold()


def test_the_nearest_practices_to_a_full_postcode_come_nearest_first(lookup):
    nearest = lookup.nearest("GP practices near b11 1lu")
    assert nearest is not None and nearest.place == "B11 1LU" and not nearest.by_district
    distances = [n.km for n in nearest.practices]
    assert len(distances) == 5 and distances == sorted(distances) and distances[0] < 2


def test_a_district_alone_uses_its_centre(lookup):
    nearest = lookup.nearest("surgeries in B11")
    assert nearest is not None and nearest.by_district and nearest.practices


def test_a_postcode_far_from_every_practice_is_outside_the_area(lookup):
    nearest = lookup.nearest("CV4 7AL")  # Coventry: its district's centre is far from them all
    assert nearest is not None and nearest.outside and not nearest.practices
    assert nearest.by_district and OUTSIDE_KM < 20


def test_a_postcode_that_does_not_exist_is_known_to_be_unknown(lookup):
    nearest = lookup.nearest("B89 9ZZ")  # no such district
    assert nearest is not None and nearest.practices == () and not nearest.outside


def test_a_message_with_no_postcode_has_no_place(lookup):
    assert lookup.nearest("where is my nearest surgery") is None
