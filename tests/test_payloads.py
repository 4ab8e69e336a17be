"""Button payloads are written and read back the way Rasa reads them."""

import pytest

from assistant.payloads import faq_payload, payload, payload_entities


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
