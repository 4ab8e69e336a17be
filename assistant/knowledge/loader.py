"""Load the curated knowledge base from ``data/kb/*.yml`` and validate it.

Every problem found is reported at once, each naming its file and entry, so that a broken
file fails loudly at load time (and therefore in the tests and at server start).
"""

import ipaddress
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from assistant.knowledge.base import KnowledgeBase
from assistant.knowledge.models import Entry, Organisation, Source, Topic

SOURCES_FILE = "sources.yml"
ORGANISATIONS_FILE = "organisations.yml"
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
ENTRY_KEYS = {"id", "question", "answer", "source", "related", "items", "person", "asks"}
# Optional entry fields that follow-up questions read (see assistant.knowledge.models.Entry).
FOLLOW_UP_KEYS = ("items", "person", "asks")
ORGANISATION_KEYS = {"id", "name", "aliases", "kind", "description", "source"}
SOURCE_KEYS = ("title", "url")


class KnowledgeBaseError(ValueError):
    """The knowledge base has one or more problems; the message lists each one."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("The knowledge base has problems:\n- " + "\n- ".join(problems))


def load_knowledge_base(kb_dir: Path) -> KnowledgeBase:
    """Read and validate every file in ``kb_dir``.

    Args:
        kb_dir: The folder holding ``sources.yml``, ``organisations.yml`` and one file per topic.

    Returns:
        The validated knowledge base.

    Raises:
        KnowledgeBaseError: If any file or entry is invalid; the message names each problem.
    """
    problems: list[str] = []
    sources = _load_sources(kb_dir / SOURCES_FILE, problems)
    topics: list[Topic] = []
    entries: dict[str, Entry] = {}
    for path in sorted(kb_dir.glob("*.yml")):
        if path.name in (SOURCES_FILE, ORGANISATIONS_FILE):
            continue
        topic, topic_entries = _load_topic(path, sources, problems)
        if topic is None:
            continue
        topics.append(topic)
        for entry in topic_entries:
            if entry.id in entries:
                problems.append(f"{_rel(path)}, entry '{entry.id}': the id is used twice")
            entries[entry.id] = entry
    for entry in entries.values():
        named = [("related", r) for r in entry.related] + [("items", i) for i in entry.items]
        named += [("person", entry.person)] if entry.person else []
        for field_name, other in named:
            if other not in entries:
                problems.append(
                    f"data/kb/{entry.topic}.yml, entry '{entry.id}': "
                    f"{field_name} entry '{other}' does not exist"
                )
    organisations = _load_organisations(kb_dir / ORGANISATIONS_FILE, sources, problems)
    if problems:
        raise KnowledgeBaseError(problems)
    return KnowledgeBase(
        sources=sources,
        topics=tuple(topics),
        entries=entries,
        organisations={org.id: org for org in organisations},
    )


def _rel(path: Path) -> str:
    return f"{path.parent.parent.name}/{path.parent.name}/{path.name}"


def _read_yaml(path: Path, problems: list[str]) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(f"{_rel(path)}: the file is missing")
    except yaml.YAMLError as error:
        problems.append(f"{_rel(path)}: not valid YAML ({error})".replace("\n", " "))
    return None


def _load_sources(path: Path, problems: list[str]) -> dict[str, Source]:
    """Each source as ``file name: title`` or ``file name: {title: ..., url: https://...}``."""
    data = _read_yaml(path, problems)
    if data is None:
        return {}
    raw = data.get("sources") if isinstance(data, dict) else None
    if not isinstance(raw, dict) or not raw:
        problems.append(f"{_rel(path)}: expected a 'sources' mapping of file name to title")
        return {}
    lines = _key_lines(path, "sources")
    sources: dict[str, Source] = {}
    for name, value in raw.items():
        where = f"{_rel(path)}: line {lines.get(str(name), '?')}: the source '{name}'"
        sources[str(name)] = _parse_source(str(name), value, where, problems)
    return sources


def _parse_source(name: str, value: Any, where: str, problems: list[str]) -> Source:
    """One source; a broken one is still returned, so that records citing it are not reported."""
    fields = value if isinstance(value, dict) else {"title": value}
    unknown = sorted(str(key) for key in fields if key not in SOURCE_KEYS)
    if unknown:
        problems.append(f"{where} has unknown key(s) {unknown} (allowed: {', '.join(SOURCE_KEYS)})")
    title, url = fields.get("title"), fields.get("url")
    if not isinstance(title, str) or not title.strip():
        problems.append(f"{where} has no title: write 'file name: title', or 'title:' under it")
        title = name
    if url is not None and not (isinstance(url, str) and _is_public_https(url)):
        problems.append(
            f"{where} has the url {url!r}, which is not a public https address: give the "
            "document's own https:// address, or remove 'url'"
        )
        url = None
    return Source(file=name, title=title.strip(), url=url)


def _is_public_https(url: str) -> bool:
    """Whether ``url`` is an https address on a named public host (no user, no IP address)."""
    if not url.isascii() or any(ch.isspace() or not ch.isprintable() for ch in url):
        return False
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        _ = parts.port  # raises ValueError for a malformed port
    except ValueError:
        return False
    if parts.scheme != "https" or parts.username or parts.password or "." not in host:
        return False
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return True  # a host name, not an address
    return False


def _key_lines(path: Path, key: str) -> dict[str, int]:
    """The line (1-based) of each key of the mapping under the top-level ``key``."""
    root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    if not isinstance(root, yaml.MappingNode):
        return {}
    value = next((v for k, v in root.value if k.value == key), None)
    if not isinstance(value, yaml.MappingNode):
        return {}
    return {str(k.value): k.start_mark.line + 1 for k, _ in value.value}


def _load_topic(
    path: Path, sources: dict[str, Source], problems: list[str]
) -> tuple[Topic | None, list[Entry]]:
    data = _read_yaml(path, problems)
    if data is None:
        return None, []
    where = _rel(path)
    if not isinstance(data, dict) or not isinstance(data.get("topic"), dict):
        problems.append(f"{where}: expected 'topic' (with 'id' and 'title') and 'entries'")
        return None, []
    topic_id = data["topic"].get("id")
    title = data["topic"].get("title")
    if topic_id != path.stem:
        problems.append(f"{where}: topic id '{topic_id}' must be the file name '{path.stem}'")
    if not isinstance(title, str) or not title.strip():
        problems.append(f"{where}: the topic has no 'title'")
    raw_entries = data.get("entries")
    if not isinstance(raw_entries, list) or not raw_entries:
        problems.append(f"{where}: expected a non-empty list of 'entries'")
        return None, []
    entries = [
        entry
        for index, raw in enumerate(raw_entries)
        if (entry := _parse_entry(raw, index, path.stem, where, sources, problems))
    ]
    topic = Topic(id=path.stem, title=str(title), entry_ids=tuple(e.id for e in entries))
    return topic, entries


def _parse_entry(
    raw: Any, index: int, topic: str, where: str, sources: dict[str, Source], problems: list[str]
) -> Entry | None:
    if not isinstance(raw, dict):
        problems.append(f"{where}, entry {index + 1}: expected a mapping with {sorted(ENTRY_KEYS)}")
        return None
    name = f"{where}, entry '{raw.get('id', index + 1)}'"
    ok = _check_record(raw, ENTRY_KEYS, {"related", *FOLLOW_UP_KEYS}, name, sources, problems)
    related = raw.get("related") or []
    items = raw.get("items") or []
    for key, ids in (("related", related), ("items", items)):
        if not isinstance(ids, list) or not all(isinstance(r, str) for r in ids):
            problems.append(f"{name}: '{key}' must be a list of entry ids")
            ok = False
    if ok and raw.get("id") in related:
        problems.append(f"{name}: an entry cannot be related to itself")
        ok = False
    for key in ("person", "asks"):
        value = raw.get(key)
        if value is not None and not (isinstance(value, str) and ID_PATTERN.match(value)):
            problems.append(f"{name}: '{key}' must be a snake_case id")
            ok = False
    if not ok:
        return None
    return Entry(
        id=raw["id"],
        topic=topic,
        question=raw["question"].strip(),
        answer=_clean(raw["answer"]),
        source=raw["source"],
        related=tuple(related),
        items=tuple(items),
        person=raw.get("person"),
        asks=raw.get("asks"),
    )


def _load_organisations(
    path: Path, sources: dict[str, Source], problems: list[str]
) -> list[Organisation]:
    data = _read_yaml(path, problems)
    if data is None:
        return []
    where = _rel(path)
    raw_list = data.get("organisations") if isinstance(data, dict) else None
    if not isinstance(raw_list, list) or not raw_list:
        problems.append(f"{where}: expected a non-empty list of 'organisations'")
        return []
    organisations: list[Organisation] = []
    seen_names: dict[str, str] = {}
    for index, raw in enumerate(raw_list):
        if not isinstance(raw, dict):
            problems.append(f"{where}, organisation {index + 1}: expected a mapping")
            continue
        name = f"{where}, organisation '{raw.get('id', index + 1)}'"
        ok = _check_record(raw, ORGANISATION_KEYS, {"aliases"}, name, sources, problems)
        aliases = raw.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            problems.append(f"{name}: 'aliases' must be a list of names")
            continue
        if not ok:
            continue
        for label in [raw["name"], *aliases]:
            key = label.strip().lower()
            if key in seen_names and seen_names[key] != raw["id"]:
                problems.append(f"{name}: the name '{label}' is also used by '{seen_names[key]}'")
            seen_names[key] = raw["id"]
        if raw["id"] in {org.id for org in organisations}:
            problems.append(f"{name}: the id is used twice")
        organisations.append(
            Organisation(
                id=raw["id"],
                name=raw["name"].strip(),
                aliases=tuple(a.strip() for a in aliases),
                kind=raw["kind"].strip(),
                description=_clean(raw["description"]),
                source=raw["source"],
            )
        )
    return organisations


def _check_record(
    raw: dict[str, Any],
    keys: set[str],
    optional: Iterable[str],
    name: str,
    sources: dict[str, Source],
    problems: list[str],
) -> bool:
    """Check a record's keys, id, text fields and source; report each problem."""
    before = len(problems)
    unknown = set(raw) - keys
    if unknown:
        problems.append(f"{name}: unknown field(s) {sorted(unknown)} (allowed: {sorted(keys)})")
    for key in sorted(keys - set(optional)):
        if key in ("related", "aliases"):
            continue
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{name}: '{key}' is missing or empty")
    record_id = raw.get("id")
    if isinstance(record_id, str) and not ID_PATTERN.match(record_id):
        problems.append(f"{name}: the id must be snake_case (a-z, 0-9 and _)")
    source = raw.get("source")
    if isinstance(source, str) and source not in sources:
        problems.append(f"{name}: source '{source}' is not listed in data/kb/{SOURCES_FILE}")
    return len(problems) == before


def _clean(text: str) -> str:
    """Fold the line breaks YAML leaves in a folded or literal block into single spaces."""
    paragraphs = [" ".join(part.split()) for part in text.strip().split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p)
