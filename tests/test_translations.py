"""Every Tier-1 language has every curated text it needs, faithful in placeholders and numbers."""

import re
import string

import pytest
import yaml

from assistant.paths import DATA_DIR, PROJECT_ROOT, TRANSLATIONS_DIR
from assistant.translation.curated import load_curated

LANGUAGES = yaml.safe_load((DATA_DIR / "languages.yml").read_text(encoding="utf-8"))["languages"]
TIER_1 = [lang["code"] for lang in LANGUAGES if lang["tier"] == 1 and lang["code"] != "en"]
KEY_KB_ENTRIES = re.findall(
    r"[a-z_]+",
    (PROJECT_ROOT / "docs" / "languages.md")
    .read_text()
    .split("The 25 knowledge-base entries every Tier-1 language has:")[1]
    .split("##")[0],
)
SIGNPOSTS = ("999", "111", "116 123")


def english() -> dict[str, dict[str, str]]:
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    messages = yaml.safe_load((DATA_DIR / "messages" / "en.yml").read_text(encoding="utf-8"))
    responses = {name: variants[0]["text"] for name, variants in domain["responses"].items()}
    return {"responses": {**responses, **messages["messages"]}, "interface": messages["interface"]}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def signpost_order(text: str) -> list[str]:
    found = [(text.index(s), s) for s in SIGNPOSTS if s in text]
    return [s for _, s in sorted(found)]


def test_the_key_entries_are_listed_and_exist(kb):
    assert len(KEY_KB_ENTRIES) == 25
    assert set(KEY_KB_ENTRIES) <= set(kb.entries)


# That every response, message and widget label is translated is a check before going live
# (assistant.checks.translations, run by tests/test_consistency.py).
@pytest.mark.parametrize("language", TIER_1)
def test_every_key_answer_is_translated(language):
    curated = load_curated(TRANSLATIONS_DIR / f"{language}.yml")
    assert not set(KEY_KB_ENTRIES) - set(curated.kb), f"{language}: KB answers missing"


@pytest.mark.parametrize("language", TIER_1)
def test_placeholders_and_signposts_are_kept(language, kb):
    curated = load_curated(TRANSLATIONS_DIR / f"{language}.yml")
    source = english()
    for section in ("responses", "interface"):
        for key, text in source[section].items():
            translated = getattr(curated, section)[key].text
            assert placeholders(translated) == placeholders(text), f"{language} {key}"
            assert signpost_order(translated) == signpost_order(
                text
            ), f"{language} {key}: 999/111 order"
    for entry_id, answer in curated.kb.items():
        assert signpost_order(answer.text) == signpost_order(kb.entries[entry_id].answer), entry_id


# Every entry's question is a button somewhere (related questions, topic lists), so each one is
# curated: a Tier-1 resident never gets an English button.
@pytest.mark.parametrize("language", TIER_1)
def test_every_entry_has_its_question(language, kb):
    curated = load_curated(TRANSLATIONS_DIR / f"{language}.yml")
    assert set(curated.questions) == set(kb.entries), f"{language}: questions and KB entries differ"


@pytest.mark.parametrize("language", TIER_1)
def test_questions_keep_their_numbers(language, kb):
    curated = load_curated(TRANSLATIONS_DIR / f"{language}.yml")
    for entry_id, text in curated.questions.items():
        english = set(re.findall(r"\d+", kb.entries[entry_id].question))
        assert english <= set(re.findall(r"\d+", text.text)), f"{language} {entry_id}"
