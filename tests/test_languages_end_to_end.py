"""Each Tier-1 language through the real server with no translation pack installed."""

import unicodedata
import uuid

import pytest
import yaml

from assistant.paths import DATA_DIR
from tests.test_translations import TIER_1

pytestmark = pytest.mark.server

SCRIPTS = {"ur": "ARABIC", "ar": "ARABIC", "pa": "GURMUKHI", "bn": "BENGALI", "zh": "CJK"}
RTL = {"ur", "ar"}


def first_example(language: str, intent: str) -> str:
    nlu = yaml.safe_load(
        (DATA_DIR / "nlu" / "languages" / f"{language}.yml").read_text(encoding="utf-8")
    )
    block = next(b for b in nlu["nlu"] if b["intent"] == intent)
    return block["examples"].strip().splitlines()[0].lstrip("- ").strip()


def in_script(text: str, script: str) -> bool:
    """Written in the script: names and the source citation stay in English, the rest does not."""
    return sum(script in unicodedata.name(ch, "") for ch in text if ch.isalpha()) >= 15


@pytest.mark.parametrize("language", TIER_1)
def test_a_conversation_is_answered_in_the_residents_language(ask, language):
    sender = uuid.uuid4().hex
    for intent in ["greet", "faq/gp_practices_how_many", "emergency"]:
        reply = ask(first_example(language, intent), sender=sender)
        first = reply[0]
        assert first["metadata"]["language"] == language, (intent, reply)
        assert first["metadata"]["dir"] == ("rtl" if language in RTL else "ltr")
        assert first["metadata"]["translation"] == "curated", (intent, reply)
        if language in SCRIPTS:
            assert in_script(first["text"], SCRIPTS[language]), first["text"]
    assert "999" in first["text"]
    assert first["text"].index("999") < first["text"].index("111")
