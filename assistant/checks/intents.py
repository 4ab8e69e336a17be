"""Check 7: every intent in the domain has example phrasings and a rule that answers it."""

from typing import Any

from assistant.checks.documents import Project
from assistant.checks.problem import Problem
from assistant.checks.records import IntentBlock
from assistant.checks.responses import DOMAIN_FILE

RULES_DIR = "data/rules"


def intent_problems(project: Project, blocks: list[IntentBlock]) -> list[Problem]:
    """Domain intents without example phrasings, or without a rule."""
    domain = project.document(DOMAIN_FILE)
    if domain is None:
        return []
    # A retrieval intent (faq) has its phrasings under its sub-intents (faq/pcn_what_is).
    trained = {part for block in blocks if block.examples for part in _and_parent(block.intent)}
    ruled = {intent for doc in project.documents(RULES_DIR) for intent in _intents_named(doc.data)}
    problems = []
    for index, item in enumerate(domain.sequence("intents")):
        intent = next(iter(item)) if isinstance(item, dict) and item else str(item)
        line = domain.line("intents", index)
        if intent not in trained:
            problems.append(
                Problem(
                    DOMAIN_FILE,
                    line,
                    f"the intent '{intent}' has no example phrasings, so it is never recognised: "
                    f"add some under '- intent: {intent}' in a file in data/nlu, or remove it "
                    "from domain.yml.",
                )
            )
        if intent not in ruled:
            problems.append(
                Problem(
                    DOMAIN_FILE,
                    line,
                    f"the intent '{intent}' has no rule, so the assistant does not know what to "
                    "do when it hears it: add a rule for it in data/rules (the rules in "
                    "data/rules/conversation.yml are examples).",
                )
            )
    return problems


def _and_parent(intent: str) -> set[str]:
    return {intent, intent.split("/")[0]}


def _intents_named(data: Any) -> set[str]:
    """Every value of an ``intent:`` key, anywhere in a rules file."""
    if isinstance(data, dict):
        found = {str(data["intent"])} if isinstance(data.get("intent"), str) else set()
        return found.union(*(_intents_named(value) for value in data.values()))
    if isinstance(data, list):
        return set().union(*(_intents_named(item) for item in data))
    return set()
