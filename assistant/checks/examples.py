"""Check 6: an example phrasing belongs to one intent only, and is listed there once.

Phrasings are compared as the classifier nearly sees them: case, question marks and extra
spaces do not count.
"""

from assistant.checks.problem import Problem
from assistant.checks.records import Example, IntentBlock


def normalised(text: str) -> str:
    """``"What is a  PCN?"`` -> ``"what is a pcn"``."""
    return " ".join(text.casefold().replace("?", "").split())


def example_problems(blocks: list[IntentBlock]) -> list[Problem]:
    """Each phrasing already listed earlier, under another intent or the same one."""
    first: dict[str, Example] = {}
    problems = []
    for example in (example for block in blocks for example in block.examples):
        earlier = first.setdefault(normalised(example.text), example)
        if earlier is example:
            continue
        if earlier.intent == example.intent:
            message = (
                f"the example phrasing '{example.text}' is listed twice under {example.intent} "
                f"(also at {earlier.place}): remove one of them."
            )
        else:
            message = (
                f"the example phrasing '{example.text}' is also listed under {earlier.intent} "
                f"({earlier.place}); an example may belong to one question only: reword or "
                "remove one of them."
            )
        problems.append(Problem(example.path, example.line, message))
    return problems
