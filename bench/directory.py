"""The GP-directory held-out questions (``tests/data/heldout_directory``), and its answers' cost.

A question is answered right when the trained model gives it its intent and the directory's
answer (in English, as the action composes it) contains every expected string: the PCN's name,
the practice's phone number or postcode, the names of a PCN's practices. Each file is named by
its language; the targets are issue 12's (English ≥ 95 %, Tier-1 languages ≥ 90 %).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from assistant.directory.answers import DirectoryAnswers
from assistant.messages import message
from assistant.paths import DEFAULT_MODEL, PROJECT_ROOT
from bench.rasa_results import Tally

DIRECTORY_QUESTIONS = PROJECT_ROOT / "tests" / "data" / "heldout_directory"
TARGETS = {"en": 0.95}
TIER_1_TARGET = 0.90


@dataclass(frozen=True)
class DirectoryQuestion:
    """A held-out directory question, its intent, and what its answer must contain."""

    text: str
    intent: str
    expect: tuple[str, ...]
    language: str


@dataclass(frozen=True)
class DirectoryResult:
    """What the model and the directory made of one question."""

    question: DirectoryQuestion
    predicted: str
    answer: str

    @property
    def correct(self) -> bool:
        """The right intent, and every expected string in the answer."""
        return self.predicted == self.question.intent and all(
            expected in self.answer for expected in self.question.expect
        )


def load_directory_questions(directory: Path = DIRECTORY_QUESTIONS) -> list[DirectoryQuestion]:
    """Every file's questions, in file-name order; a file's name is its language."""
    return [
        DirectoryQuestion(
            text=str(raw["text"]),
            intent=str(raw["intent"]),
            expect=tuple(map(str, raw.get("expect") or ())),
            language=path.stem,
        )
        for path in sorted(directory.glob("*.yml"))
        for raw in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
    ]


async def _intents(model: Path, texts: list[str]) -> list[str]:
    from rasa.core.agent import load_agent

    agent = await load_agent(model_path=str(model))
    parses = [await agent.parse_message(text) for text in texts]
    return [str((parse.get("intent") or {}).get("name") or "") for parse in parses]


def english_answer(answers: DirectoryAnswers, intent: str, text: str) -> str:
    """The directory's answer to a question asked with ``intent``, in English."""
    reply = answers.answer(intent, text, {}, None)
    return message(reply.key, **reply.values)


def evaluate_directory(
    answers: DirectoryAnswers,
    questions: list[DirectoryQuestion],
    model: Path = DEFAULT_MODEL,
) -> list[DirectoryResult]:
    """Parse every question with the trained model and answer it with its predicted intent."""
    predicted = asyncio.run(_intents(model, [q.text for q in questions]))
    return [
        DirectoryResult(q, intent, english_answer(answers, intent, q.text))
        for q, intent in zip(questions, predicted, strict=True)
    ]


def answer_times_ms(
    answers: DirectoryAnswers, questions: Iterable[DirectoryQuestion]
) -> list[float]:
    """Milliseconds of the directory's own work for each question's reply, in-process.

    What a directory question costs on top of any other: finding what the message names (the
    directory question component does it for an unsure message) and composing the answer
    (lookup and message, in the action).
    """
    timings = []
    for question in questions:
        started = time.perf_counter()
        answers.lookup.mentions(question.text)
        english_answer(answers, question.intent, question.text)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def by_language(results: Iterable[DirectoryResult]) -> dict[str, Tally]:
    """Right answers per language, in the order the files come."""
    tallies: dict[str, Tally] = {}
    for result in results:
        language = result.question.language
        before = tallies.get(language, Tally(0, 0))
        tallies[language] = Tally(before.right + result.correct, before.total + 1)
    return tallies


def report(results: list[DirectoryResult]) -> str:
    """Markdown: right answers per language against the targets, then the misses."""
    lines = ["| language | right answer | target | met |", "|---|---|---|---|"]
    for language, tally in by_language(results).items():
        target = TARGETS.get(language, TIER_1_TARGET)
        met = "yes" if tally.share >= target else "**no**"
        share = f"{tally.right}/{tally.total} = {tally.share:.1%}"
        lines.append(f"| {language} | {share} | ≥ {target:.0%} | {met} |")
    misses = [r for r in results if not r.correct]
    if misses:
        lines += ["", "Misses (question → predicted intent; expected intent, strings):", ""]
        lines += [
            f"- ({r.question.language}) {r.question.text} → {r.predicted}; "
            f"{r.question.intent}, {list(r.question.expect)}"
            for r in misses
        ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    from assistant.directory.answers import default_directory_answers
    from bench.evaluate import quiet_rasa

    quiet_rasa()
    print(report(evaluate_directory(default_directory_answers(), load_directory_questions())))
