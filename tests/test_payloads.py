"""Button payloads are written and read back the way Rasa reads them."""

import pytest

from assistant.payloads import (
    faq_payload,
    help_payload,
    is_button_payload,
    organisation_payload,
    payload,
    payload_entities,
)


def test_a_faq_payload_names_its_entry():
    assert faq_payload("pcn_what_is") == '/faq{"entry":"pcn_what_is"}'
    assert payload_entities(faq_payload("pcn_what_is"), "faq") == {"entry": "pcn_what_is"}


def test_entities_survive_json_escapes():
    text = payload("help", topic='gp "practices"')
    assert payload_entities(text, "help") == {"topic": 'gp "practices"'}


@pytest.mark.parametrize(
    "text", ["What is a PCN?", '/help{"topic":"gp"}', "/faq{not json}", '/faq["entry"]']
)
def test_other_text_is_not_a_faq_payload(text):
    assert payload_entities(text, "faq") is None


@pytest.mark.parametrize(
    "text",
    [
        faq_payload("pcn_what_is"),
        help_payload("gp_practices"),
        organisation_payload("roh"),
    ],
)
def test_the_assistants_own_button_payloads_are_button_payloads(text):
    assert is_button_payload(text)


@pytest.mark.parametrize(
    "text",
    [
        "/restart",
        "/session_start",
        "/greet",
        "/switch_language",
        '/faq{"entry":"a","organisation":"b"}',
        '/faq{"topic":"a"}',
        '/faq{"entry":"Not An Id"}',
        '/faq{"entry":"' + "a" * 65 + '"}',
        '/help{"topic":"gp"} and more',
        "faq",
    ],
)
def test_other_commands_are_not_button_payloads(text):
    assert not is_button_payload(text)
