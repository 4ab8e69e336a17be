"""Read the example phrasings in Rasa NLU files (``data/nlu``), by intent."""

from pathlib import Path

import yaml


def read_examples(path: Path) -> list[tuple[str, str]]:
    """Every (intent, example) pair in one Rasa NLU YAML file, in file order."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [
        (str(block["intent"]), line.strip()[2:].strip())
        for block in data.get("nlu", [])
        for line in str(block.get("examples", "")).splitlines()
        if line.strip().startswith("- ") and line.strip()[2:].strip()
    ]
