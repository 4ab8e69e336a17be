"""Which language to answer in: explicit choice, switch request, detection, conversation."""

from pathlib import Path

import pytest
import yaml

from assistant.language import (
    REASONS,
    ConversationLanguage,
    Decision,
    Registry,
    decide,
    default_registry,
    default_switch_phrases,
    is_choice,
    load_switch_phrases,
)
from assistant.language.decision import SWITCH_PHRASES_FILE, fold

TABLE = Path(__file__).parent / "data" / "language_decisions.yml"
MIN_CASES = 110
MIN_ACCURACY = 0.97

SHORT_MESSAGES = [
    "hi",
    "Hi!",
    "hello",
    "ok",
    "OK",
    "yes",
    "no",
    "thanks",
    "thank you",
    "ok thanks",
    "GP",
    "NHS 111",
    "111",
    "999",
    "B15 2TT",
    "my postcode is B15 2TT",
    "Sarah Jones",
    "Muhammad Ali Shah",
    "muhammad ali shah",
    "0121 555 0123",
    "🙂",
    "👍👍",
    "?",
    "/greet",
    '/faq{"entry":"icb_what_is"}',
]


@pytest.fixture(scope="module")
def registry() -> Registry:
    return default_registry()


def load_table() -> list[dict]:
    return yaml.safe_load(TABLE.read_text(encoding="utf-8"))["cases"]


def test_the_table_is_large_and_well_formed(registry):
    cases = load_table()
    assert len(cases) >= MIN_CASES
    for case in cases:
        assert set(case) == {"text", "conversation", "explicit", "language", "reason"}, case
        assert isinstance(case["text"], str), case
        assert case["language"] in registry, case
        assert case["reason"] in REASONS, case
    assert {case["reason"] for case in cases} == set(REASONS)
    tier1 = {lang.code for lang in registry.tier1}
    detected = {case["language"] for case in cases if case["reason"] == "detected"}
    assert tier1 <= detected, tier1 - detected


def test_the_table_is_decided_correctly(registry):
    cases = load_table()
    misses = []
    for case in cases:
        decision = decide(case["explicit"], case["conversation"], case["text"], registry)
        expected = Decision(case["language"], case["reason"])
        if decision != expected:
            misses.append(
                f"{case['text']!r} (conversation {case['conversation']}, explicit "
                f"{case['explicit']}): expected {expected.language}/{expected.reason}, "
                f"got {decision.language}/{decision.reason}"
            )
    accuracy = 1 - len(misses) / len(cases)
    print(f"\n{len(cases) - len(misses)}/{len(cases)} decided correctly ({accuracy:.1%})")
    print("\n".join(f"  miss: {miss}" for miss in misses))
    assert accuracy >= MIN_ACCURACY, "\n".join(misses)


@pytest.mark.parametrize("text", SHORT_MESSAGES)
def test_short_messages_never_switch_a_conversation(registry, text):
    for code in registry.codes:
        assert decide(None, code, text, registry) == Decision(code, "conversation"), code


@pytest.mark.parametrize("text", SHORT_MESSAGES)
def test_short_messages_with_no_conversation_get_the_default(registry, text):
    assert decide(None, None, text, registry) == Decision("en", "default")


@pytest.mark.parametrize(
    "text",
    [
        "speak English",
        "in Polish please",
        "اردو میں",
        "How many GP practices are there in Birmingham?",
        "ਮੇਰਾ GP ਕੌਣ ਹੈ?",
        "Czym jest zintegrowany system opieki zdrowotnej?",
        "mujhe apne GP se baat karni hai",
        "ok",
        "/greet",
        "",
    ],
)
def test_an_explicit_choice_beats_everything(registry, text):
    for code in registry.codes:
        for conversation in (None, "en", "ur", "zh"):
            assert decide(code, conversation, text, registry) == Decision(code, "explicit")


def test_an_unsupported_explicit_choice_is_ignored(registry):
    assert decide("xx", "pl", "ok", registry) == Decision("pl", "conversation")
    assert decide("", None, "po polsku", registry) == Decision("pl", "switch")
    assert decide("EN-gb", "ur", "اردو میں", registry) == Decision("en", "explicit")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("speak English", "en"),
        ("Speak English please!", "en"),
        ("English please", "en"),
        ("english", "en"),
        ("Can you reply in English from now on?", "en"),
        ("in Polish please", "pl"),
        ("po polsku", "pl"),
        ("Mów po polsku", "pl"),
        ("Polski", "pl"),
        ("اردو میں", "ur"),
        ("اردو میں بات کریں", "ur"),
        ("urdu mein", "ur"),
        ("Urdu", "ur"),
        ("ਪੰਜਾਬੀ ਵਿੱਚ", "pa"),
        ("Panjabi", "pa"),
        ("in romana", "ro"),
        ("În română, vă rog", "ro"),
        ("中文", "zh"),
        ("请说中文", "zh"),
        ("Chinese please", "zh"),
        ("Af-Soomaali", "so"),
        ("af soomaali", "so"),
        ("বাংলায়", "bn"),
        ("Bangla", "bn"),
        ("بالعربية", "ar"),
        ("باللغة العربية من فضلك", "ar"),
        ("Farsi", "fa"),
        ("Français", "fr"),
        ("francais please", "fr"),
        ("Українською", "uk"),
    ],
)
def test_a_switch_request_switches(registry, text, code):
    for conversation in (None, *registry.codes):
        assert decide(None, conversation, text, registry) == Decision(code, "switch")


def test_every_language_can_be_asked_for_by_name(registry):
    for lang in registry:
        for text in (lang.name, lang.endonym, f"{lang.name} please", f"in {lang.name} please"):
            assert decide(None, "en", text, registry) == Decision(lang.code, "switch"), text


@pytest.mark.parametrize(
    "text",
    [
        "I can't speak English very well",
        "Please don't reply in English",
        "Is there a doctor who can speak Urdu at my practice?",
        "What is the Polish for GP?",
        "My mum only speaks Bengali and needs an interpreter",
    ],
)
def test_mentioning_a_language_is_not_a_request(registry, text):
    assert decide(None, "so", text, registry).reason != "switch"


def test_the_last_request_in_a_message_wins(registry):
    assert decide(None, "en", "I don't speak English, Urdu please", registry) == Decision(
        "ur", "switch"
    )


def test_detection_changes_the_language_only_when_sure(registry):
    # No conversation language yet: any confident detection.
    assert decide(None, None, "Dzień dobry", registry) == Decision("pl", "detected")
    # A conversation in another language: only strong detections.
    assert decide(None, "en", "Dzień dobry", registry) == Decision("en", "conversation")
    long_polish = "Dzień dobry, chciałbym umówić wizytę u lekarza"
    assert decide(None, "en", long_polish, registry) == Decision("pl", "detected")
    # A script the conversation's language is not written in.
    assert decide(None, "en", "سلام", registry) == Decision("ur", "detected")
    # The same script, and letters do not tell the languages apart.
    assert decide(None, "fa", "سلام", registry) == Decision("fa", "conversation")
    # Detection agreeing with the conversation keeps it.
    assert decide(None, "ur", "کیا حال ہے", registry) == Decision("ur", "conversation")


def test_a_chosen_language_is_kept_whatever_the_message_is_written_in(registry):
    long_polish = "Dzień dobry, chciałbym umówić wizytę u lekarza"
    for text in ("what is the integrated care system?", long_polish, "ok"):
        assert decide(None, "ur", text, registry, chosen=True) == Decision("ur", "conversation")


def test_only_another_choice_changes_a_chosen_language(registry):
    assert decide(None, "ur", "po polsku", registry, chosen=True) == Decision("pl", "switch")
    assert decide("en", "ur", "سلام", registry, chosen=True) == Decision("en", "explicit")


def test_a_choice_is_made_by_asking_or_the_widget_and_kept_only_while_unchanged():
    previous = ConversationLanguage("ur", chosen=True)
    assert is_choice(Decision("pl", "switch"), None)
    assert is_choice(Decision("en", "explicit"), None)
    assert is_choice(Decision("ur", "conversation"), previous)
    assert not is_choice(Decision("ur", "conversation"), ConversationLanguage("ur"))
    assert not is_choice(Decision("pl", "detected"), None)


def test_an_unsupported_conversation_language_is_ignored(registry):
    assert decide(None, "xx", "ok", registry) == Decision("en", "default")
    assert decide(None, "zh-CN", "ok", registry) == Decision("zh", "conversation")


def test_decisions_only_give_known_reasons():
    with pytest.raises(ValueError, match="unknown reason"):
        Decision("en", "guessed")


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("În română!", "in romana"),
        ("  Can't   SPEAK, English? ", "cant speak english"),
        ("Af-Soomaali", "af soomaali"),
        ("بِالعَرَبِيَّة", "بالعربیة"),
        ("بالعربية", "بالعربیة"),
        ("বাংলায়", "বাংলায়"),
        ("ਪੰਜਾਬੀ ਵਿੱਚ", "ਪੰਜਾਬੀ ਵਿੱਚ"),
        ("请用 中文!", "请用 中文"),
        ("请用中文", "请用中文"),
    ],
)
def test_phrases_are_folded_for_matching(text, folded):
    assert fold(text) == folded


def test_the_switch_phrases_cover_every_language(registry):
    phrases = load_switch_phrases(registry, SWITCH_PHRASES_FILE)
    assert phrases == default_switch_phrases(registry)
    data = yaml.safe_load(SWITCH_PHRASES_FILE.read_text(encoding="utf-8"))
    assert set(data["languages"]) == set(registry.codes)
    assert set(phrases.whole.values()) == set(registry.codes)


def write_phrases(tmp_path: Path, languages: str, whole: str = '["{name}"]') -> Path:
    path = tmp_path / "switch_phrases.yml"
    path.write_text(
        f"whole: {whole}\nrequests: ['{{name}} please']\nfillers: [please]\n"
        f"negations: [not]\nlanguages:\n{languages}",
        encoding="utf-8",
    )
    return path


def test_switch_phrases_for_unsupported_languages_are_skipped(registry, tmp_path):
    path = write_phrases(tmp_path, "  xx: {names: [Klingon], phrases: [tlhIngan Hol]}\n")
    phrases = load_switch_phrases(registry, path)
    assert phrases.find("Klingon") is None
    assert phrases.find("Urdu") == "ur"


@pytest.mark.parametrize(
    ("languages", "whole", "message"),
    [
        ("  ur: {names: [English]}\n", '["{name}"]', "language 'ur': 'English' already asks"),
        ("  ur: {phrases: ['!!']}\n", '["{name}"]', "language 'ur': phrase '!!' has no words"),
        ("  ur: {names: Urdu}\n", '["{name}"]', "language 'ur': 'names'"),
        ("  ur: [urdu mein]\n", '["{name}"]', "language 'ur': expected 'names' and 'phrases'"),
        ("  ur: {}\n", '["in urdu"]', "'whole' templates without {name}"),
        ("  ur: {}\n", "speak", "'whole': expected a list"),
    ],
)
def test_invalid_switch_phrases_are_rejected(registry, tmp_path, languages, whole, message):
    with pytest.raises(ValueError, match=message):
        load_switch_phrases(registry, write_phrases(tmp_path, languages, whole))


def test_a_curated_phrasing_decides_a_first_message(registry):
    assert decide(None, None, "Salaan", registry) == Decision("so", "detected")
    assert decide(None, "en", "Salaan", registry) == Decision("en", "conversation")
