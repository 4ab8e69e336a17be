"""Check 4: every Tier-1 language has every curated text, above all its safety messages.

Safety messages are never machine-translated, and emergencies in a language are recognised from
its curated phrases (``translations/safety/<code>.yml``), so neither may be missing: not in a
Tier-1 language, nor in a Tier-2 or safety-only language (``safety_only:`` in the registry file).
A Tier-2 language's ``translations/<code>.yml`` holds the safety messages and may hold the two
notices (answered in English, machine-translated), nothing else: a language with more curated
text is Tier 1, where every text is checked. A safety-only language's file needs the safety
messages.
"""

from assistant.checks.documents import Document, Project
from assistant.checks.problem import Problem
from assistant.checks.responses import (
    DOMAIN_FILE,
    MESSAGES_FILE,
    SAFETY_RESPONSES,
    signpost_problem,
)
from assistant.translation.curated import SECTIONS
from assistant.translation.localiser import ENGLISH_NOTICE, MACHINE_NOTICE

LANGUAGES_FILE = "data/languages.yml"
SAFETY_ONLY = "safety_only"
SAFETY_CATEGORIES = ("emergency", "crisis", "urgent_care")
MIN_SAFETY_PHRASES = 5
# What a Tier-2 language's file may hold besides its safety messages (all under 'responses:').
TIER_2_NOTICES = (ENGLISH_NOTICE, MACHINE_NOTICE)


def translation_problems(project: Project) -> list[Problem]:
    """Missing or wrong curated texts and safety phrases, for every language of the registry.

    Tier 1 needs every text; Tier 2 and the safety-only languages the safety messages, and a
    Tier-2 file may add the two notices but nothing else.
    Every language but English (``data/safety/en.yml``) needs its emergency phrases.
    """
    languages = project.document(LANGUAGES_FILE)
    english = _english(project)
    problems = []
    for language in languages.sequence("languages") if languages else []:
        if isinstance(language, dict) and language.get("code") != "en":
            code, name = str(language.get("code")), str(language.get("name"))
            if language.get("tier") == 1:
                problems += _text_problems(project, code, name, english)
            else:
                problems += _safety_text_problems(project, code, name, "a Tier-2 language")
                problems += _tier_2_extra_problems(project, code, name)
            problems += _phrase_problems(project, code, name)
    for language in languages.sequence(SAFETY_ONLY) if languages else []:
        if isinstance(language, dict):
            code, name = str(language.get("code")), str(language.get("name"))
            problems += _safety_text_problems(project, code, name, "a safety-only language")
            problems += _phrase_problems(project, code, name)
    return problems


def _english(project: Project) -> dict[str, dict[str, str]]:
    """Each section of a translations file -> the English keys it must have -> where they are."""
    domain = project.document(DOMAIN_FILE)
    messages = project.document(MESSAGES_FILE)
    responses = dict.fromkeys(domain.mapping("responses") if domain else {}, DOMAIN_FILE)
    responses.update(dict.fromkeys(messages.mapping("messages") if messages else {}, MESSAGES_FILE))
    interface = dict.fromkeys(messages.mapping("interface") if messages else {}, MESSAGES_FILE)
    return {"responses": responses, "interface": interface}


def _text_problems(
    project: Project, code: str, name: str, english: dict[str, dict[str, str]]
) -> list[Problem]:
    path, label = f"translations/{code}.yml", f"{name} ({code})"
    doc, problems = _read(
        project,
        path,
        f"{label} is a Tier-1 language in {LANGUAGES_FILE} but has no curated translations: "
        f"create {path} (see docs/languages.md), or make it Tier 2.",
    )
    if doc is None:
        return problems
    problems += _safety_responses(doc, path, label, name)
    for section, keys in english.items():
        for key, where in keys.items():
            if key not in SAFETY_RESPONSES and not _text(doc.mapping(section).get(key)):
                problems.append(
                    Problem(
                        path,
                        doc.line(section),
                        f"{label} has no translation of '{key}' under '{section}:': add it (the "
                        f"English is in {where}).",
                    )
                )
    return problems


def _safety_text_problems(project: Project, code: str, name: str, kind: str) -> list[Problem]:
    """A Tier-2 or safety-only language needs its safety messages curated, nothing else."""
    path, label = f"translations/{code}.yml", f"{name} ({code})"
    doc, problems = _read(
        project,
        path,
        f"{label} is {kind} in {LANGUAGES_FILE} but its safety messages are not curated: "
        f"create {path} with {', '.join(SAFETY_RESPONSES)} under 'responses:' (see "
        "docs/languages.md). Safety messages are never machine-translated.",
    )
    return problems if doc is None else _safety_responses(doc, path, label, name)


def _tier_2_extra_problems(project: Project, code: str, name: str) -> list[Problem]:
    """Each text a Tier-2 file holds besides its safety messages and the two notices.

    A notice it holds must have a text (the English is in data/messages/en.yml).
    """
    path, label = f"translations/{code}.yml", f"{name} ({code})"
    doc = project.document(path, required=False)
    if doc is None:
        return []
    problems = []
    for section in SECTIONS:
        for key, value in doc.mapping(section).items():
            if section == "responses" and key in SAFETY_RESPONSES:
                continue
            if section == "responses" and key in TIER_2_NOTICES:
                if not _text(value):
                    problems.append(
                        Problem(
                            path,
                            doc.line(section, key),
                            f"{label} has no text for '{key}': translate it (the English is in "
                            f"{MESSAGES_FILE}) as 'text:' with 'reviewed: false', or remove it.",
                        )
                    )
                continue
            problems.append(
                Problem(
                    path,
                    doc.line(section, str(key)),
                    f"{label} is a Tier-2 language in {LANGUAGES_FILE}, so {path} may hold only "
                    f"the safety messages ({', '.join(SAFETY_RESPONSES)}) and the notices "
                    f"{' and '.join(TIER_2_NOTICES)} under 'responses:': remove '{key}' from "
                    f"'{section}:', or make {name} Tier 1 and curate every text (see "
                    "docs/languages.md).",
                )
            )
    return problems


def _safety_responses(doc: Document, path: str, label: str, name: str) -> list[Problem]:
    """Each safety message missing from a translations file, or with its numbers wrong."""
    problems = []
    for key in SAFETY_RESPONSES:
        text = _text(doc.mapping("responses").get(key))
        if not text:
            problems.append(
                Problem(
                    path,
                    doc.line("responses"),
                    f"{label} has no {key}, a safety message: add its translation under "
                    "'responses:'. Safety messages are never machine-translated, so without it "
                    f"someone writing in {name} is not signposted in {name}.",
                )
            )
        elif issue := signpost_problem(key, text):
            problems.append(Problem(path, doc.line("responses", key), f"{label} {key} {issue}"))
    return problems


def _phrase_problems(project: Project, code: str, name: str) -> list[Problem]:
    path, label = f"translations/safety/{code}.yml", f"{name} ({code})"
    doc, problems = _read(
        project,
        path,
        f"{label} is in {LANGUAGES_FILE} but has no emergency phrases: create {path} with "
        f"phrases for {', '.join(SAFETY_CATEGORIES)} (see docs/languages.md).",
    )
    if doc is None:
        return problems
    for category in SAFETY_CATEGORIES:
        phrases = doc.mapping("override").get(category)
        count = len(phrases) if isinstance(phrases, list) else 0
        if count < MIN_SAFETY_PHRASES:
            problems.append(
                Problem(
                    path,
                    doc.line("override", category) or doc.line("override"),
                    f"{label} has {count or 'no'} '{category}' phrase{'' if count == 1 else 's'}"
                    f"; at least {MIN_SAFETY_PHRASES} are needed so that someone writing in "
                    f"{name} is signposted at once: add them as a list '{category}:' under "
                    "'override:'.",
                )
            )
    return problems


def _read(project: Project, path: str, missing: str) -> tuple[Document | None, list[Problem]]:
    """The file at ``path``, or the problem ``missing`` if it does not exist.

    A file that exists but is not valid YAML is reported by the project's reader.
    """
    doc = project.document(path, required=False)
    if doc is None and not (project.root / path).exists():
        return None, [Problem(path, None, missing)]
    return doc, []


def _text(value: object) -> str:
    """The text of a curated translation (``{text: ..., reviewed: ...}``), or ''."""
    return str(value.get("text") or "").strip() if isinstance(value, dict) else ""
