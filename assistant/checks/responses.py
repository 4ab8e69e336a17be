"""Checks 5 and 7: no two responses share a text; the safety responses signpost 999 first.

Responses are the domain's (``domain.yml``) and the messages code sends
(``data/messages/en.yml``).
"""

from assistant.checks.documents import Project
from assistant.checks.problem import Problem, place
from assistant.translation.localiser import SAFETY_RESPONSES

DOMAIN_FILE = "domain.yml"
MESSAGES_FILE = "data/messages/en.yml"
SAMARITANS = "116 123"


def signpost_problem(name: str, text: str) -> str | None:
    """What is wrong with the emergency numbers of the safety response ``name``, or None.

    Returns:
        The end of a sentence that starts with the response's name, e.g. "does not mention 999:
        add it, first.", or None if 999, then NHS 111 (and for utter_crisis 116 123) are there.
    """
    if "999" not in text:
        return "does not mention 999: add it, before anything else."
    if "111" not in text:
        return "does not mention NHS 111: add it, after 999."
    if text.index("111") < text.index("999"):
        return (
            "mentions NHS 111 before 999: put 999 first, so that someone in an emergency reads "
            "it before anything else."
        )
    if name == "utter_crisis" and SAMARITANS not in text:
        return f"does not give the Samaritans' number, {SAMARITANS}: add it."
    return None


def duplicate_response_problems(project: Project) -> list[Problem]:
    """Each response whose text an earlier response already has, naming both."""
    seen: dict[str, tuple[str, str]] = {}
    problems = []
    for name, path, line, text in _responses(project):
        key = " ".join(text.split())
        if key in seen:
            first, where = seen[key]
            problems.append(
                Problem(
                    path,
                    line,
                    f"{name} has exactly the same text as {first} ({where}); one text under two "
                    "names has to be curated and translated twice: keep one of them and use it "
                    "in both places, or reword one.",
                )
            )
        else:
            seen[key] = (name, place(path, line))
    return problems


def safety_response_problems(project: Project) -> list[Problem]:
    """Safety responses that are missing, or do not signpost 999 first (then 111, 116 123)."""
    doc = project.document(DOMAIN_FILE)
    if doc is None:
        return []
    responses = doc.mapping("responses")
    problems = []
    for name in SAFETY_RESPONSES:
        variants = responses.get(name)
        if not isinstance(variants, list) or not variants:
            problems.append(
                Problem(
                    DOMAIN_FILE,
                    doc.line("responses"),
                    f"the safety response {name} is missing: add it under 'responses:'.",
                )
            )
            continue
        for index, variant in enumerate(variants):
            text = str(variant.get("text") or "") if isinstance(variant, dict) else ""
            if issue := signpost_problem(name, text):
                problems.append(
                    Problem(DOMAIN_FILE, doc.line("responses", name, index), f"{name} {issue}")
                )
    return problems


def _responses(project: Project) -> list[tuple[str, str, int | None, str]]:
    """(how to name it, file, line, text) of every response variant, then every message."""
    found = []
    domain = project.document(DOMAIN_FILE)
    if domain is not None:
        for name, variants in domain.mapping("responses").items():
            for index, variant in enumerate(variants if isinstance(variants, list) else []):
                if isinstance(variant, dict) and str(variant.get("text") or "").strip():
                    line = domain.line("responses", name, index)
                    found.append((f"the response {name}", DOMAIN_FILE, line, str(variant["text"])))
    messages = project.document(MESSAGES_FILE)
    if messages is not None:
        for name, text in messages.mapping("messages").items():
            line = messages.line("messages", name)
            found.append((f"the message '{name}'", MESSAGES_FILE, line, str(text)))
    return found
