"""The pieces agree: KB entries ↔ retrieval intents, responses, sources, held-out questions."""

import os
import subprocess
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import yaml

from assistant.messages import load_messages
from assistant.paths import DATA_DIR, PROJECT_ROOT
from assistant.training_examples import read_examples
from bench.heldout import load_heldout

MIN_EXAMPLES = 8
SOURCES_DIR = Path(os.environ.get("BSOL_SOURCES_DIR", PROJECT_ROOT.parent / "shared" / "sources"))


def nlu_examples() -> dict[str, list[str]]:
    """Every intent in data/nlu with its examples."""
    examples: dict[str, list[str]] = defaultdict(list)
    for path in sorted((DATA_DIR / "nlu").rglob("*.yml")):
        for intent, example in read_examples(path):
            examples[intent].append(example)
    return examples


def domain() -> dict:
    return yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))


def normalised(text: str) -> str:
    return " ".join(text.casefold().replace("?", "").split())


def test_every_kb_entry_has_its_retrieval_intent_with_enough_examples(kb):
    examples = nlu_examples()
    thin = {
        e: len(examples.get(f"faq/{e}", []))
        for e in kb.entries
        if len(examples.get(f"faq/{e}", [])) < MIN_EXAMPLES
    }
    assert not thin, f"KB entries with fewer than {MIN_EXAMPLES} example phrasings: {thin}"


def test_every_retrieval_intent_has_its_kb_entry(kb):
    orphans = [i for i in nlu_examples() if i.startswith("faq/") and i[4:] not in kb.entries]
    assert not orphans, f"Retrieval intents without a KB entry: {orphans}"


def test_no_example_is_used_twice():
    owners: dict[str, set[str]] = defaultdict(set)
    for intent, examples in nlu_examples().items():
        counts = Counter(normalised(e) for e in examples)
        assert not [e for e, n in counts.items() if n > 1], f"{intent} repeats examples"
        for example in counts:
            owners[example].add(intent)
    shared = {e: sorted(i) for e, i in owners.items() if len(i) > 1}
    assert not shared, f"Examples under two intents: {shared}"


def test_every_domain_intent_has_examples_and_a_rule():
    examples = nlu_examples()
    rules_text = "".join(p.read_text(encoding="utf-8") for p in (DATA_DIR / "rules").glob("*.yml"))
    for intent in domain()["intents"]:
        assert intent in examples or any(i.startswith(f"{intent}/") for i in examples), intent
        assert f"intent: {intent}\n" in rules_text, f"no rule for {intent}"


def test_no_two_responses_have_the_same_text():
    texts = [v["text"] for variants in domain()["responses"].values() for v in variants]
    texts += list(load_messages("en").values())
    repeated = [t for t, n in Counter(texts).items() if n > 1]
    assert not repeated, f"Duplicated response texts: {repeated}"


def test_safety_responses_put_999_first():
    responses = domain()["responses"]
    for name in ["utter_emergency", "utter_crisis", "utter_urgent_care", "utter_no_medical_advice"]:
        text = responses[name][0]["text"]
        assert "999" in text and "111" in text, name
        assert text.index("999") < text.index("111"), f"{name} must signpost 999 before NHS 111"
    assert "116 123" in responses["utter_crisis"][0]["text"]


def test_every_cited_source_exists(kb):
    assert (
        SOURCES_DIR.is_dir()
    ), f"Source documents not found at {SOURCES_DIR} (set BSOL_SOURCES_DIR)"
    cited = {e.source for e in kb.entries.values()} | {o.source for o in kb.organisations.values()}
    for source in cited | set(kb.sources):
        assert (SOURCES_DIR / source).is_file(), f"cited source {source} is not in {SOURCES_DIR}"


def test_numbers_in_answers_appear_in_their_source(kb):
    """A guard against invented facts: every number an answer states is in its source document."""
    import re

    number = re.compile(r"\d+(?:[.,]\d+)?")
    for entry in [*kb.entries.values(), *kb.organisations.values()]:
        text = getattr(entry, "answer", None) or entry.description
        source = (SOURCES_DIR / entry.source).read_text(encoding="utf-8")
        signposting = {"999", "111", "116", "123"}
        for found in set(number.findall(text)) - signposting:
            assert found in source, f"{entry.id}: {found} is not in {entry.source}"


def test_held_out_questions_point_at_real_answers_with_their_facts(kb):
    questions = load_heldout()
    assert len(questions) >= 40
    training = {normalised(e) for examples in nlu_examples().values() for e in examples}
    for question in questions:
        answer = kb.entries[question.entry].answer if question.entry in kb.entries else None
        if answer is None:
            organisation = kb.organisation(question.entry)
            assert organisation is not None, f"held-out question points at unknown {question.entry}"
            answer = f"{organisation.name} {organisation.description}"
        for fact in question.expect:
            assert (
                fact.casefold() in answer.casefold()
            ), f"{question.entry}: '{fact}' not in the answer"
        assert (
            normalised(question.text) not in training
        ), f"held-out question is training data: {question.text}"


@pytest.mark.slow
def test_rasa_data_validate_passes_with_warnings_as_failures():
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    result = subprocess.run(
        [str(PROJECT_ROOT / ".venv/bin/rasa"), "data", "validate", "--fail-on-warnings",
         "--config", "config.yml", "--domain", "domain.yml", "--data", "data/nlu", "data/rules"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
