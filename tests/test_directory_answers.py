"""The directory's answers, on the real imported data (data/directory, var/directory)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.directory.answers import DirectoryAnswers, default_directory_answers
from assistant.directory.intents import (
    NEAREST,
    NOT_HELD,
    PCN_PRACTICES,
    PRACTICE_CONTACT,
    PRACTICE_PCN,
)
from assistant.directory.store import read_pcns, read_practices
from assistant.messages import message
from assistant.payloads import is_button_payload, payload_entities

ATTRIBUTION = "Contains public sector information licensed under the Open Government Licence v3.0"


@pytest.fixture(scope="module")
def answers() -> DirectoryAnswers:
    return default_directory_answers()


def ask(answers: DirectoryAnswers, intent: str, text: str, remembered: str | None = None):
    reply = answers.answer(intent, text, {}, remembered)
    return reply, message(reply.key, **reply.values)


def test_a_practices_pcn_is_named_with_its_address_and_cited_with_date_and_attribution(answers):
    reply, text = ask(answers, PRACTICE_PCN, "which PCN is Shah Zaman Surgery in?")
    assert reply.key == "directory_practice_pcn"
    assert text.startswith("Shah Zaman Surgery (70 Tangmere Drive, Birmingham, B35 7QX) is in ")
    assert "North Birmingham PCN" in text
    assert "practice-to-PCN mapping (01/08/2026)" in text and "epraccur" in text
    assert ATTRIBUTION in text
    assert reply.practice == "M85001"


def test_a_practices_phone_and_address_come_from_the_data_however_its_name_is_typed(answers):
    practice = next(p for p in read_practices() if p.code == "M85001")
    for typed in ("phone number for shah zaman", "shah zamman surgery number", "SHAH ZAMAN"):
        reply, text = ask(answers, PRACTICE_CONTACT, typed)
        assert reply.key == "directory_practice_contact", typed
        assert f"Phone: {practice.phone}" in text
        assert f"Address: {practice.address}, {practice.town}, {practice.postcode}" in text


def test_two_practices_of_one_name_are_offered_as_buttons_that_keep_the_question(answers):
    reply, _ = ask(answers, PRACTICE_CONTACT, "church road surgery phone number")
    assert reply.key == "directory_which_practice"
    assert len(reply.buttons) >= 2
    for button in reply.buttons:
        assert is_button_payload(button["payload"])
        assert "Church Road Surgery" in button["title"]
    code = payload_entities(reply.buttons[0]["payload"], PRACTICE_CONTACT)["practice"]
    chosen = answers.answer(PRACTICE_CONTACT, "", {"practice": code}, None)
    assert chosen.key == "directory_practice_contact"
    assert chosen.practice == code.upper()


def test_an_address_word_tells_two_practices_of_one_name_apart(answers):
    reply, text = ask(answers, PRACTICE_CONTACT, "church road surgery in aston, phone?")
    assert reply.key == "directory_practice_contact"
    assert "B6 5UP" in text


def test_a_follow_up_uses_the_practice_the_conversation_is_about(answers):
    first = answers.answer(PRACTICE_PCN, "which pcn is shah zaman surgery in", {}, None)
    reply, text = ask(answers, PRACTICE_CONTACT, "what's their phone number?", first.practice)
    assert reply.key == "directory_practice_contact"
    assert "Shah Zaman Surgery" in text
    more, listed = ask(answers, PCN_PRACTICES, "which other practices are in it", first.practice)
    assert more.key == "directory_pcn_practices"
    assert "North Birmingham PCN" in listed


def test_without_a_practice_it_asks_which_and_an_unknown_name_is_said_not_found(answers):
    assert ask(answers, PRACTICE_PCN, "which pcn is my gp in")[0].key == "directory_ask_practice"
    unknown = "what is the phone number of the zzyzx quorble medical centre"
    assert ask(answers, PRACTICE_CONTACT, unknown)[0].key == "directory_practice_not_found"
    forged = answers.answer(PRACTICE_CONTACT, "", {"practice": "zz9999"}, None)
    assert forged.key == "directory_practice_not_found"


def test_a_pcns_practices_are_all_listed_with_postcode_and_phone(answers):
    pcn = next(p for p in read_pcns() if p.name == "Small Heath PCN")
    members = [p for p in read_practices() if p.pcn_code == pcn.code]
    reply, text = ask(answers, PCN_PRACTICES, "which practices are in small heath pcn?")
    assert reply.key == "directory_pcn_practices"
    lines = reply.values["practices"].splitlines()
    assert len(lines) == len(members) == pcn.practices
    for practice in members:
        assert f"- {practice.name}, {practice.postcode}: {practice.phone}" in lines
    assert ATTRIBUTION in text


def test_an_unknown_pcn_is_said_not_found(answers):
    assert ask(answers, PCN_PRACTICES, "practices in the narnia pcn")[0].key == (
        "directory_pcn_not_found"
    )


def test_the_nearest_five_practices_to_a_postcode_come_nearest_first_with_distances(answers):
    reply, text = ask(answers, NEAREST, "GP practices near B35 7QX")
    assert reply.key == "directory_nearest"
    lines = reply.values["practices"].splitlines()
    assert len(lines) == 5
    assert lines[0].startswith("1. Shah Zaman Surgery – 0.0 km: 70 Tangmere Drive, B35 7QX – ")
    distances = [float(line.split(" – ")[1].split(" km")[0]) for line in lines]
    assert distances == sorted(distances)
    assert "ONS postcode locations, B area (05/2025)" in text
    assert "Contains OS data" in text


def test_a_district_alone_gives_the_practices_nearest_its_centre(answers):
    reply, text = ask(answers, NEAREST, "gp surgeries in b23")
    assert reply.key == "directory_nearest_district"
    assert "centre of the B23 postcode district" in text
    assert len(reply.values["practices"].splitlines()) == 5


def test_a_postcode_the_lookup_lacks_falls_back_to_its_district_and_says_so(answers):
    reply, text = ask(answers, NEAREST, "near B23 9ZZ")
    assert reply.key == "directory_nearest_postcode_unknown"
    assert "B23 9ZZ" in text and "B23 postcode district" in text


def test_a_postcode_outside_birmingham_and_solihull_is_said_to_be_outside(answers):
    reply, text = ask(answers, NEAREST, "gp near CV1 5FB")
    assert reply.key == "directory_outside"
    assert "not in Birmingham and Solihull" in text
    assert "practices" not in reply.values


def test_a_postcode_that_does_not_exist_is_said_not_found_and_none_is_asked_for(answers):
    assert ask(answers, NEAREST, "gps near XX1 1XX")[0].key == "directory_postcode_unknown"
    assert ask(answers, NEAREST, "find a gp near me")[0].key == "directory_ask_place"


def test_what_the_data_does_not_hold_is_said_and_the_practices_phone_given(answers):
    reply, text = ask(answers, NOT_HELD, "what are the opening hours of apollo surgery great barr")
    assert reply.key == "directory_not_held"
    assert "opening hours" in text and "quality ratings" in text
    assert reply.values["phone"] in text
    assert ask(answers, NOT_HELD, "which is the best gp")[0].key == "directory_not_held_no_practice"


def test_todays_counts_have_the_lists_date_and_the_readmes_figures(answers):
    reply = answers.counts()
    text = message(reply.key, **reply.values)
    assert "NHS England on 01/08/2026" in text
    assert "175 GP practices in 36 Primary Care Networks" in text
    assert "24 West Birmingham practices" in text


@given(text=st.text(max_size=200))
@settings(max_examples=300, deadline=None)
def test_no_text_makes_the_lookup_or_an_answer_fail(answers, text):
    """Hostile or foreign text (any script, no words, lone postcodes) is answered, never raised."""
    answers.lookup.mentions(text)
    for intent in (PRACTICE_PCN, PRACTICE_CONTACT, PCN_PRACTICES, NEAREST, NOT_HELD):
        reply = answers.answer(intent, text, {}, None)
        message(reply.key, **reply.values)
