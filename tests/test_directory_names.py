import pytest

from assistant.directory.names import readable, readable_name


@pytest.mark.parametrize(
    ("ods", "written"),
    [
        ("THE LIMES MEDICAL CENTRE", "The Limes Medical Centre"),
        ("THE HILL GENERAL PRACTICE & UCC", "The Hill General Practice & UCC"),
        ("THE HILL GP PRACTICE", "The Hill GP Practice"),
        ("SWB I3 PCN", "SWB I3 PCN"),
        ("PEOPLE'S HEALTH PARTNERSHIP PCN", "People's Health Partnership PCN"),
        ("DR WALJI AND COLLEAGUES", "Dr Walji and Colleagues"),
        ("HANDSWORTH MEDICAL PRACT.", "Handsworth Medical Practice"),
        ("VICTORIA ROAD MEDICAL CTR", "Victoria Road Medical Centre"),
        ("AL-SHAFA MEDICAL CENTRE", "Al-Shafa Medical Centre"),
        ("DR A B SMITH", "Dr A B Smith"),
    ],
)
def test_practice_and_pcn_names(ods, written):
    assert readable_name(ods) == written


def test_address_lines_keep_numbers_and_read_ordinals():
    assert readable("1ST FLOOR, 794A STRATFORD ROAD") == "1st Floor, 794A Stratford Road"
    assert readable("HAMPTON-IN-ARDEN") == "Hampton-in-Arden"
