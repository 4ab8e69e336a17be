"""Intent and answer accuracy on the held-out questions, with the trained model in-process."""

import asyncio
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from assistant.paths import DEFAULT_MODEL
from bench.heldout import HeldOutQuestion, load_heldout


@dataclass(frozen=True)
class Prediction:
    """What the model made of one held-out question."""

    question: HeldOutQuestion
    predicted: str

    @property
    def correct(self) -> bool:
        """Whether the model picked the expected entry or organisation."""
        return self.predicted == self.question.entry


def predicted_label(parse: dict) -> str:
    """The knowledge-base entry or organisation a parse result points at, else its intent."""
    intent = (parse.get("intent") or {}).get("name") or ""
    if intent == "faq":
        key = parse["response_selector"]["faq"]["response"]["intent_response_key"]
        return key.split("/", 1)[1]
    if intent == "ask_organisation":
        names = [e["value"] for e in parse.get("entities", []) if e["entity"] == "organisation"]
        return names[0] if names else intent
    return intent


async def _predict(model: Path, questions: list[HeldOutQuestion]) -> list[Prediction]:
    from rasa.core.agent import load_agent

    agent = await load_agent(model_path=str(model))
    results = []
    for question in questions:
        parse = await agent.parse_message(question.text)
        results.append(Prediction(question, predicted_label(parse)))
    return results


def evaluate(model: Path = DEFAULT_MODEL) -> list[Prediction]:
    """Parse every held-out question with the model."""
    return asyncio.run(_predict(model, load_heldout()))


def report(predictions: list[Prediction]) -> str:
    """A Markdown summary: overall accuracy, per topic, and the misses."""
    total = len(predictions)
    right = sum(p.correct for p in predictions)
    by_topic = Counter(p.question.topic for p in predictions)
    right_by_topic = Counter(p.question.topic for p in predictions if p.correct)
    lines = [f"Held-out accuracy: {right}/{total} = {right / total:.1%}", ""]
    lines += [f"- {t}: {right_by_topic[t]}/{n}" for t, n in sorted(by_topic.items())]
    misses = [p for p in predictions if not p.correct]
    if misses:
        lines += ["", "Misses (question → predicted, expected):"]
        lines += [f"- {p.question.text} → {p.predicted} ({p.question.entry})" for p in misses]
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(evaluate()))
