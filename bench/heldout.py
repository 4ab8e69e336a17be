"""The held-out questions (tests/data/heldout): phrased unlike any training example."""

from dataclasses import dataclass
from pathlib import Path

import yaml

from assistant.paths import PROJECT_ROOT

HELDOUT_DIR = PROJECT_ROOT / "tests" / "data" / "heldout"


@dataclass(frozen=True)
class HeldOutQuestion:
    """A question, the entry (or organisation) that answers it, and words the reply must contain."""

    text: str
    entry: str
    expect: tuple[str, ...]
    topic: str


def load_heldout(directory: Path = HELDOUT_DIR) -> list[HeldOutQuestion]:
    """Read every held-out file, in file-name order."""
    questions = []
    for path in sorted(directory.glob("*.yml")):
        for raw in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]:
            questions.append(
                HeldOutQuestion(
                    text=raw["text"],
                    entry=raw["entry"],
                    expect=tuple(map(str, raw.get("expect") or ())),
                    topic=path.stem,
                )
            )
    return questions
