"""The spaCy entity ruler finds partner organisations by name or alias, in any case."""

import pytest

from assistant.knowledge.organisation_patterns import (
    build_matcher,
    find_organisations,
    organisation_patterns,
)


@pytest.fixture(scope="module")
def nlp(kb):
    return build_matcher(organisation_patterns(kb))


@pytest.mark.parametrize(
    ("text", "organisation"),
    [
        (
            "what does University Hospitals Birmingham do",
            "university_hospitals_birmingham_nhs_foundation_trust",
        ),
        ("what is uhb", "university_hospitals_birmingham_nhs_foundation_trust"),
        ("tell me about the ROH", "royal_orthopaedic_hospital_nhs_foundation_trust"),
        (
            "is Solihull Metropolitan Borough Council a partner",
            "solihull_metropolitan_borough_council",
        ),
        ("what does WMAS do", "west_midlands_ambulance_service_university_nhs_foundation_trust"),
    ],
)
def test_organisations_are_found_by_name_or_alias(nlp, text, organisation):
    found = find_organisations(nlp, text)
    assert [e["value"] for e in found] == [organisation]
    start, end = found[0]["start"], found[0]["end"]
    assert text[start:end]


def test_every_name_and_alias_is_a_pattern(kb):
    patterns = organisation_patterns(kb)
    assert len(patterns) == sum(1 + len(o.aliases) for o in kb.organisations.values())


def test_ordinary_text_has_no_organisation(nlp):
    assert find_organisations(nlp, "who chairs the ICS") == []
