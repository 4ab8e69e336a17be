"""The widget is served with its languages (endonyms), curated labels and welcome examples."""

from assistant.language import default_registry
from assistant.messages import load_interface
from assistant.translation.curated import curated
from assistant.widget.config import AllowedOrigins, WidgetConfig
from assistant.widget.settings import offered_languages, widget_settings

CONFIG = WidgetConfig(AllowedOrigins(frozenset()), 20.0, 10.0)


def no_packs(source: str, target: str) -> bool:
    return False


def settings(kb, can_translate=no_packs):
    return widget_settings(CONFIG, default_registry(), can_translate, kb, max_message_chars=1000)


def test_without_packs_the_picker_offers_english_and_every_tier_1_language(kb):
    languages = settings(kb)["languages"]
    assert [lang["code"] for lang in languages] == [
        lang.code for lang in default_registry() if lang.tier == 1
    ]
    assert languages[0] == {"code": "en", "name": "English", "dir": "ltr"}
    assert {"code": "ur", "name": "اردو", "dir": "rtl"} in languages


def test_a_tier_2_language_is_offered_only_with_packs_both_ways():
    registry = default_registry()
    one_way = offered_languages(registry, lambda source, target: (source, target) == ("fr", "en"))
    both_ways = offered_languages(registry, lambda source, target: "fr" in (source, target))
    assert "fr" not in [lang.code for lang in one_way]
    assert "fr" in [lang.code for lang in both_ways]


def test_labels_are_english_and_curated_only(kb):
    strings = settings(kb)["strings"]
    assert strings["en"] == load_interface("en")
    assert strings["ur"]["send"] == curated("ur").interface["send"].text
    assert set(strings) == {lang.code for lang in default_registry() if lang.tier == 1}


def test_welcome_examples_ask_entries_with_curated_titles(kb):
    examples = settings(kb)["examples"]
    english = examples["en"]
    assert english[0] == {
        "title": kb.entries["bsol_ics_what_is"].question,
        "payload": '/faq{"entry":"bsol_ics_what_is"}',
    }
    urdu = examples["ur"]
    assert [e["payload"] for e in urdu] == [e["payload"] for e in english]
    assert urdu[0]["title"] == curated("ur").questions["bsol_ics_what_is"].text


def test_time_outs_come_from_the_config(kb):
    result = settings(kb)
    assert (result["replyTimeoutSeconds"], result["connectTimeoutSeconds"]) == (20.0, 10.0)


def test_the_message_length_limit_is_the_one_given(kb):
    result = widget_settings(CONFIG, default_registry(), no_packs, kb, max_message_chars=250)
    assert result["maxMessageChars"] == 250
