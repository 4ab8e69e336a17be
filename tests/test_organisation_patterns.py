"""The spaCy entity ruler finds partner organisations by name or alias, in any case."""

import pytest

from assistant.knowledge.organisation_patterns import (
    build_matcher,
    find_organisations,
    full_names,
    organisation_patterns,
    with_full_names,
)


@pytest.fixture(scope="module")
def patterns(kb):
    return organisation_patterns(kb)


@pytest.fixture(scope="module")
def nlp(patterns):
    return build_matcher(patterns)


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


def test_an_alias_gets_the_full_name_after_it(nlp, patterns):
    text = "what's bchc"
    names = full_names(patterns)
    assert with_full_names(text, find_organisations(nlp, text), names) == (
        "what's bchc (Birmingham Community Healthcare NHS Foundation Trust)"
    )


def test_a_full_name_is_left_as_written(nlp, patterns):
    text = "what does Birmingham City Council do"
    names = full_names(patterns)
    assert with_full_names(text, find_organisations(nlp, text), names) == text
