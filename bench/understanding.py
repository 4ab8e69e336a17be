"""How well the trained model understands what it was never trained on, by language.

Four sets, none of them training data, parsed by the trained model in-process with no machine
translation (so each language is measured as if no argos pack were installed):

- the held-out questions (``tests/data/heldout``), per language, against each tier's target;
- the not-covered questions (``tests/data/not_covered.yml``): each must get an honest reply
  (``HONEST_INTENTS``), never a neighbouring answer;
- the emergencies (``tests/data/emergencies.yml``): each must reach a safety intent, and so
  must those in languages with no curated phrases (``tests/data/emergencies_uncurated.yml``),
  caught only by the semantic backstop;
- ordinary questions with alarming words (``tests/data/alarming_ordinary.yml``): none may.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from assistant.language import Registry, default_registry
from assistant.paths import DEFAULT_MODEL, PROJECT_ROOT
from bench.accuracy import Prediction, predicted_label
from bench.heldout import HeldOutQuestion, load_heldout
from bench.rasa_results import Tally

TEST_DATA = PROJECT_ROOT / "tests" / "data"
NOT_COVERED_FILE = TEST_DATA / "not_covered.yml"
EMERGENCIES_FILE = TEST_DATA / "emergencies.yml"
UNCURATED_FILE = TEST_DATA / "emergencies_uncurated.yml"
ALARMING_FILE = TEST_DATA / "alarming_ordinary.yml"
# Replies that neither answer with an entry nor guess: out of scope, "ask another way", no words,
# no medical advice, cannot book, not in the GP practice list (opening hours, ratings).
HONEST_INTENTS = frozenset(
    {"out_of_scope", "nlu_fallback", "no_text", "medical_advice", "book_appointment",
     "directory_not_held"}
)  # fmt: skip
SAFETY_INTENTS = frozenset({"emergency", "crisis", "urgent_care"})
ENGLISH = "en"
# Right answers wanted on held-out questions: English, then by tier (issue 10's targets).
TARGETS = {ENGLISH: 0.95, 1: 0.90, 2: 0.75}


@dataclass(frozen=True)
class Parsed:
    """A message of one of the sets, its language and the label the model gave it."""

    text: str
    language: str
    predicted: str


@dataclass(frozen=True)
class LanguageResult:
    """The held-out questions of one language: how many were answered right, and the target."""

    language: str
    name: str
    tier: int
    tally: Tally
    target: float

    @property
    def met(self) -> bool:
        """Whether the share of right answers reaches the target."""
        return self.tally.share >= self.target


@dataclass(frozen=True)
class Understanding:
    """What the model made of the four sets."""

    heldout: list[Prediction]
    not_covered: list[Parsed]
    emergencies: list[Parsed]
    uncurated: list[Parsed]
    alarming: list[Parsed]


def question_language(question: HeldOutQuestion, registry: Registry) -> str:
    """A held-out file named by a language code holds that language; the others English."""
    return question.topic if registry.get(question.topic) else ENGLISH


def load_not_covered(path: Path = NOT_COVERED_FILE) -> list[str]:
    """The questions the published information does not answer."""
    return [str(text) for text in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]]


def load_by_language(path: Path) -> list[tuple[str, str]]:
    """(language, text) pairs from a file of languages mapped to texts or to lists of texts."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    pairs = []
    for language, texts in data.items():
        groups = texts.values() if isinstance(texts, dict) else [texts]
        pairs += [(str(language), str(text)) for group in groups for text in group]
    return pairs


async def _parse_all(model: Path, texts: list[str]) -> list[str]:
    from rasa.core.agent import load_agent

    agent = await load_agent(model_path=str(model))
    return [predicted_label(await agent.parse_message(text)) for text in texts]


def understand(model: Path = DEFAULT_MODEL, registry: Registry | None = None) -> Understanding:
    """Parse all four sets with one loaded model."""
    registry = registry or default_registry()
    questions = load_heldout()
    not_covered = [("", text) for text in load_not_covered()]
    emergencies = load_by_language(EMERGENCIES_FILE)
    uncurated = load_by_language(UNCURATED_FILE)
    alarming = load_by_language(ALARMING_FILE)
    pairs = not_covered + emergencies + uncurated + alarming
    texts = [q.text for q in questions] + [text for _, text in pairs]
    labels = iter(asyncio.run(_parse_all(model, texts)))
    heldout = [Prediction(q, next(labels)) for q in questions]

    def parsed(pairs: list[tuple[str, str]]) -> list[Parsed]:
        return [Parsed(text, language, next(labels)) for language, text in pairs]

    return Understanding(
        heldout, parsed(not_covered), parsed(emergencies), parsed(uncurated), parsed(alarming)
    )


def by_language(predictions: Iterable[Prediction], registry: Registry) -> list[LanguageResult]:
    """Right answers per language, English first, then by tier and in the registry's order."""
    right: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    for prediction in predictions:
        language = question_language(prediction.question, registry)
        total[language] += 1
        right[language] += prediction.correct
    results = []
    for known in registry.languages:
        if total[known.code]:
            target = TARGETS[ENGLISH] if known.code == ENGLISH else TARGETS[known.tier]
            tally = Tally(right[known.code], total[known.code])
            results.append(LanguageResult(known.code, known.name, known.tier, tally, target))
    return sorted(results, key=lambda r: (r.language != ENGLISH, r.tier))


def honest(parsed: Iterable[Parsed]) -> Tally:
    """How many of the not-covered questions got the honest reply."""
    items = list(parsed)
    return Tally(sum(p.predicted in HONEST_INTENTS for p in items), len(items))


def caught(parsed: Iterable[Parsed]) -> Tally:
    """How many messages reached a safety intent."""
    items = list(parsed)
    return Tally(sum(p.predicted in SAFETY_INTENTS for p in items), len(items))


def answered(parsed: Iterable[Parsed]) -> Tally:
    """How many ordinary questions with alarming words were not taken for an emergency."""
    items = list(parsed)
    return Tally(sum(p.predicted not in SAFETY_INTENTS for p in items), len(items))


def checks(understanding: Understanding, registry: Registry) -> dict[str, Tally]:
    """The headline tallies: English held-out, not covered, emergencies, alarming words."""
    english = [r.tally for r in by_language(understanding.heldout, registry) if r.language == "en"]
    return {
        "heldout_english": english[0] if english else Tally(0, 0),
        "not_covered_honest": honest(understanding.not_covered),
        "emergencies_caught": caught(understanding.emergencies),
        "uncurated_emergencies_caught": caught(understanding.uncurated),
        "alarming_answered": answered(understanding.alarming),
    }


def report(understanding: Understanding, registry: Registry) -> str:
    """Markdown: per-language table, then each set's misses."""
    rows = [
        f"| {r.name} ({r.language}) | {r.tier} | {r.tally.right}/{r.tally.total} = "
        f"{r.tally.share:.1%} | ≥ {r.target:.0%} | {'yes' if r.met else '**no**'} |"
        for r in by_language(understanding.heldout, registry)
    ]
    lines = [
        "Parsed by the trained model with no machine translation.",
        "",
        "| language | tier | right answer | target | met |",
        "|---|---|---|---|---|",
        *rows,
        "",
    ]
    misses = [p for p in understanding.heldout if not p.correct]
    if misses:
        lines += ["Held-out misses (question → predicted, expected):", ""]
        lines += [f"- {p.question.text} → {p.predicted} ({p.question.entry})" for p in misses]
        lines.append("")
    sets = [
        ("Not covered: the honest reply", honest(understanding.not_covered),
         [p for p in understanding.not_covered if p.predicted not in HONEST_INTENTS]),
        ("Emergencies: a safety reply", caught(understanding.emergencies),
         [p for p in understanding.emergencies if p.predicted not in SAFETY_INTENTS]),
        ("Emergencies in languages with no curated phrases: a safety reply",
         caught(understanding.uncurated),
         [p for p in understanding.uncurated if p.predicted not in SAFETY_INTENTS]),
        ("Ordinary questions with alarming words: their answer, not a safety reply",
         answered(understanding.alarming),
         [p for p in understanding.alarming if p.predicted in SAFETY_INTENTS]),
    ]  # fmt: skip
    for title, tally, wrong in sets:
        lines += [f"{title}: {tally.right}/{tally.total} = {tally.share:.1%}", ""]
        lines += [f"- ({p.language or '?'}) {p.text} → {p.predicted}" for p in wrong]
        if wrong:
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    from bench.evaluate import quiet_rasa

    quiet_rasa()
    print(report(understand(), default_registry()))
