"""Check 1: the knowledge-base loader's problems, with the line of each entry, in plain words.

The loader (``assistant.knowledge.loader``) names the file and the entry of each problem; this
finds the entry's line and rewords the problem for the people who edit the files.
"""

import re

from assistant.checks.documents import Document, Project
from assistant.checks.problem import Problem, place
from assistant.checks.records import KB_DIR, KbRecord
from assistant.knowledge import KnowledgeBaseError, load_knowledge_base

# "data/kb/x.yml, entry 'some_id': detail", "..., organisation 3: detail" or "data/kb/x.yml: detail"
_LOADER_PROBLEM = re.compile(
    r"^(?P<path>[^,:]+\.yml)"
    r"(?:, (?P<kind>entry|organisation) (?:'(?P<id>[^']*)'|(?P<number>\d+)))?: (?P<detail>.*)$",
    re.DOTALL,
)
# Reported by the project's reader, which finds the line (documents.Project).
_UNREADABLE = ("not valid YAML", "the file is missing")
_RELATED_MISSING = re.compile(r"related entry '(?P<other>[^']*)' does not exist")
# The loader's wording -> plain words, and the field whose line to point at. {subject} is "the
# entry 'x'" or "the organisation 'x'", {kind} "entry" or "organisation", {ref} the id, and
# {elsewhere} where else the id is used; the other names are the pattern's groups.
_PLAIN_WORDS: tuple[tuple[re.Pattern[str], str, tuple[str, ...]], ...] = tuple(
    (re.compile(pattern), message, keys)
    for pattern, message, keys in (
        (
            r"'(?P<key>\w+)' is missing or empty",
            "{subject} has no {key}: add a line '{key}: ...' to it.",
            (),
        ),
        (
            r"unknown field\(s\) \[(?P<key>'[^']*')(?P<more>[^\]]*)\] \(allowed: \[(?P<ok>.*)\]\)",
            "{subject} has a field the assistant does not know, '{key}'{more} (a typo?): the "
            "fields it knows are {ok}.",
            ("{key}",),
        ),
        (
            r"the id must be snake_case",
            "{subject}: an id may only use small letters, digits and _ and must start with a "
            "letter (e.g. pcn_what_is): change the id.",
            ("id",),
        ),
        (
            r"source '(?P<source>[^']*)' is not listed",
            "{subject} cites the source '{source}', which is not listed in data/kb/sources.yml: "
            "correct the file name, or add the document to data/kb/sources.yml.",
            ("source",),
        ),
        (
            r"'(?P<key>related|aliases)' must be a list",
            "{subject}: '{key}' must be a list in square brackets, e.g. {key}: [first, second].",
            ("{key}",),
        ),
        (
            r"an entry cannot be related to itself",
            "{subject} lists itself under 'related': remove its own id from the list.",
            ("related",),
        ),
        (
            _RELATED_MISSING.pattern,
            "{subject} lists '{other}' under 'related', but no entry has that id: correct it or "
            "remove it.",
            ("related",),
        ),
        (
            r"the id is used twice",
            "another {kind} already uses the id '{ref}'{elsewhere}: give one of them a "
            "different id.",
            ("id",),
        ),
        (
            r"the name '(?P<name>[^']*)' is also used by '(?P<other>[^']*)'",
            "{subject}: the name '{name}' is also used by the organisation '{other}'; a name or "
            "alias may belong to one organisation only: change or remove one of them.",
            (),
        ),
        (
            r"expected a mapping",
            "{subject} is not written as an entry: each starts with '- id: ...' and has its "
            "other fields indented beneath it.",
            (),
        ),
        (
            r"topic id '(?P<topic>[^']*)' must be the file name '(?P<stem>[^']*)'",
            "the topic id '{topic}' must be the file's name, '{stem}': change the 'id:' under "
            "'topic:'.",
            ("topic", "id"),
        ),
        (
            r"the topic has no 'title'",
            "the topic has no title: add 'title: ...' under 'topic:' (the name residents see).",
            ("topic",),
        ),
        (
            r"expected 'topic'",
            "this file must start with 'topic:' (with its 'id:' and 'title:') followed by the "
            "list of 'entries:'.",
            (),
        ),
        (
            r"expected a non-empty list of '(?P<key>\w+)'",
            "this file has no {key}: add them as a list under '{key}:', each starting with "
            "'- id: ...'.",
            ("{key}",),
        ),
        (
            r"expected a 'sources' mapping",
            "this file must list the source documents under 'sources:', one 'file name: title' "
            "a line.",
            (),
        ),
    )
)


def kb_schema_problems(project: Project, records: list[KbRecord]) -> list[Problem]:
    """The knowledge-base loader's problems, each with its file, line and plain words.

    Args:
        project: The project; the loader reads its ``data/kb``.
        records: The knowledge base as written, to find the other use of a repeated id.
    """
    try:
        load_knowledge_base(project.root / KB_DIR)
    except KnowledgeBaseError as error:
        return [
            problem
            for text in error.problems
            if (problem := _problem(project, records, text)) is not None
        ]
    return []


def _problem(project: Project, records: list[KbRecord], text: str) -> Problem | None:
    """One loader problem as a Problem, or None if the project's reader reports it."""
    match = _LOADER_PROBLEM.match(text)
    if match is None:
        return Problem(KB_DIR, None, text)
    path, kind, detail = match.group("path", "kind", "detail")
    if detail.startswith(_UNREADABLE):
        project.document(path)  # reports it, once, with its line
        return None
    related = _RELATED_MISSING.search(detail)
    if related and any(r.kind == "entry" and r.id == related["other"] for r in records):
        return None  # the entry is there but broken: the loader reports that problem too
    doc = project.document(path)
    if doc is None:
        return Problem(path, None, detail)
    ref = match["id"] or match["number"] or ""
    base, subject = _record(doc, kind, ref)
    record_line = doc.line(*base) if base else None
    keys: tuple[str | int, ...] = ()
    message = f"{subject}: {detail}" if subject else detail
    for pattern, template, key_names in _PLAIN_WORDS:
        if found := pattern.search(detail):
            words = {name: value.replace("'", "") for name, value in found.groupdict().items()}
            keys = tuple(key.format(**words) for key in key_names)
            elsewhere = _elsewhere(records, kind, ref, path, record_line)
            message = template.format(
                subject=subject, kind=kind, ref=ref, elsewhere=elsewhere, **words
            )
            break
    return Problem(path, (doc.line(*base, *keys) if keys else None) or record_line, message)


def _record(doc: Document, kind: str | None, ref: str) -> tuple[tuple[str | int, ...], str]:
    """The keys that lead to the record a problem names (by id or number), and its name."""
    if kind is None:
        return (), ""
    list_key = "organisations" if kind == "organisation" else "entries"
    if ref.isdigit():  # the loader numbers a record that has no id
        return (list_key, int(ref) - 1), f"{kind} number {ref}"
    same = [i for i, raw in enumerate(doc.sequence(list_key)) if _id(raw) == ref]
    return (list_key, same[-1] if same else -1), f"the {kind} '{ref}'"  # a repeat is the last


def _id(raw: object) -> object:
    return raw.get("id") if isinstance(raw, dict) else None


def _elsewhere(
    records: list[KbRecord], kind: str | None, ref: str, path: str, line: int | None
) -> str:
    """`` (also at data/kb/x.yml:12)``: where else a repeated id is used, if anywhere."""
    other = next(
        (r for r in records if (r.kind, r.id) == (kind, ref) and (r.path, r.line) != (path, line)),
        None,
    )
    return f" (also at {place(other.path, other.line)})" if other else ""
