"""The knowledge-base loader: the real KB loads; every kind of mistake fails loudly, named."""

import shutil
from pathlib import Path

import pytest

from assistant.checks.sources import default_sources_dir
from assistant.knowledge import KnowledgeBaseError, Source, load_knowledge_base
from assistant.paths import KB_DIR, PROJECT_ROOT

SOURCE = "003_edeffa7479d8fefc.txt"
GOOD_TOPIC = f"""
topic:
  id: gp_practices
  title: GP practices
entries:
  - id: pcn_what_is
    question: What is a PCN?
    answer: >-
      A Primary Care Network
      is a group of GP practices.
    source: {SOURCE}
    related: [gp_practices_how_many]
  - id: gp_practices_how_many
    question: How many GP practices are there?
    answer: There are 160.
    source: {SOURCE}
"""
GOOD_ORGANISATIONS = f"""
organisations:
  - id: birmingham_city_council
    name: Birmingham City Council
    aliases: [BCC]
    kind: local authority
    description: A partner.
    source: {SOURCE}
"""


def make_kb(
    tmp_path: Path,
    topic: str = GOOD_TOPIC,
    organisations: str = GOOD_ORGANISATIONS,
    sources: str | None = None,
) -> Path:
    kb_dir = tmp_path / "data" / "kb"
    kb_dir.mkdir(parents=True)
    if sources is None:
        shutil.copy(KB_DIR / "sources.yml", kb_dir / "sources.yml")
    else:
        (kb_dir / "sources.yml").write_text(sources, encoding="utf-8")
    (kb_dir / "gp_practices.yml").write_text(topic, encoding="utf-8")
    (kb_dir / "organisations.yml").write_text(organisations, encoding="utf-8")
    return kb_dir


def problems(kb_dir: Path) -> str:
    with pytest.raises(KnowledgeBaseError) as error:
        load_knowledge_base(kb_dir)
    return str(error.value)


def test_the_projects_knowledge_base_loads(kb):
    assert len(kb.entries) >= 90
    assert len(kb.organisations) >= 10
    assert {t.id for t in kb.topics} >= {"gp_practices", "strategy", "strategy_qa", "leadership"}


def test_a_valid_file_loads_with_folded_answers(tmp_path):
    kb = load_knowledge_base(make_kb(tmp_path))
    entry = kb.entry("pcn_what_is")
    assert entry is not None
    assert entry.answer == "A Primary Care Network is a group of GP practices."
    assert entry.topic == "gp_practices"
    assert kb.topic("gp_practices").entry_ids == ("pcn_what_is", "gp_practices_how_many")
    assert kb.sources[SOURCE] == Source(SOURCE, "Our Integrated Care System: About us", None)
    assert kb.organisation("birmingham_city_council").aliases == ("BCC",)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda t: t.replace("    answer: There are 160.\n", ""),
            "entry 'gp_practices_how_many': 'answer' is missing",
        ),
        (
            lambda t: t.replace(
                f"answer: There are 160.\n    source: {SOURCE}",
                "answer: There are 160.\n    source: nowhere.txt",
            ),
            "source 'nowhere.txt' is not listed",
        ),
        (
            lambda t: t.replace("related: [gp_practices_how_many]", "related: [no_such_entry]"),
            "related entry 'no_such_entry' does not exist",
        ),
        (
            lambda t: t.replace("id: gp_practices_how_many", "id: pcn_what_is"),
            "entry 'pcn_what_is': the id is used twice",
        ),
        (
            lambda t: t.replace("id: gp_practices_how_many", "id: How-Many"),
            "the id must be snake_case",
        ),
        (
            lambda t: t.replace(
                "    question: What is a PCN?", "    question: What is a PCN?\n    answr: typo"
            ),
            "unknown field(s) ['answr']",
        ),
        (
            lambda t: t.replace("  id: gp_practices\n", "  id: something_else\n"),
            "must be the file name 'gp_practices'",
        ),
        (
            lambda t: t.replace("related: [gp_practices_how_many]", "related: [pcn_what_is]"),
            "cannot be related to itself",
        ),
        (lambda t: t + "\n  - : [broken", "not valid YAML"),
        (lambda t: "entries: []\n", "expected 'topic'"),
    ],
    ids=[
        "missing answer",
        "unknown source",
        "unknown related",
        "duplicate id",
        "bad id",
        "typo field",
        "topic id",
        "self related",
        "bad yaml",
        "no topic",
    ],
)
def test_a_broken_topic_file_fails_naming_the_file_and_entry(tmp_path, change, expected):
    message = problems(make_kb(tmp_path, topic=change(GOOD_TOPIC)))
    assert "data/kb/gp_practices.yml" in message
    assert expected in message


def test_two_organisations_cannot_share_a_name(tmp_path):
    shared = (
        GOOD_ORGANISATIONS
        + f"""
  - id: birmingham_children_trust
    name: Birmingham Children's Trust
    aliases: [bcc]
    kind: children's services
    description: A partner.
    source: {SOURCE}
"""
    )
    message = problems(make_kb(tmp_path, organisations=shared))
    assert (
        "organisation 'birmingham_children_trust': "
        "the name 'bcc' is also used by 'birmingham_city_council'" in message
    )


def test_every_problem_is_reported_at_once(tmp_path):
    broken = GOOD_TOPIC.replace("    answer: There are 160.\n", "").replace(
        "related: [gp_practices_how_many]", "related: [nope]"
    )
    message = problems(make_kb(tmp_path, topic=broken))
    assert "'answer' is missing" in message and "'nope' does not exist" in message


def sources_file(*lines: str) -> str:
    return "\n".join(["# The sources", "sources:", *lines, ""])


def test_a_source_may_record_its_public_address(tmp_path):
    sources = sources_file(
        f"  {SOURCE}:",
        "    title: About us",
        "    url: https://www.example.org/about-us",
    )
    kb = load_knowledge_base(make_kb(tmp_path, sources=sources))
    assert kb.sources[SOURCE] == Source(SOURCE, "About us", "https://www.example.org/about-us")


def test_no_source_in_the_project_records_an_address_the_shared_sources_do_not_give(kb):
    shared = default_sources_dir(PROJECT_ROOT).glob("*")
    published = "\n".join(path.read_text(encoding="utf-8") for path in shared if path.is_file())
    assert [s.url for s in kb.sources.values() if s.url and s.url not in published] == []


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://www.example.org/about-us", "not https"),
        ("https://localhost/about-us", "no public host name"),
        ("https://192.0.2.7/about-us", "an address, not a host name"),
        ("https://staff:secret@www.example.org/", "a user and password"),
        ("https://www.example.org/about us", "a space"),
        ("www.example.org/about-us", "no scheme"),
        ("https://www.example.org:port/", "a broken port"),
    ],
)
def test_a_bad_address_fails_naming_the_file_line_and_source(tmp_path, url, why):
    sources = sources_file(
        f"  {SOURCE}: About us",
        "  002_1c57cabbec3451ab.txt:",
        "    title: Our Plan",
        f'    url: "{url}"',
    )
    message = problems(make_kb(tmp_path, sources=sources))
    assert (
        "data/kb/sources.yml: line 4: the source '002_1c57cabbec3451ab.txt' has the url "
        f"'{url}', which is not a public https address"
    ) in message, why


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([f"  {SOURCE}:", "    title: About us", "    link: https://x.org/"], "unknown key(s)"),
        ([f"  {SOURCE}:", "    url: https://www.example.org/"], "has no title"),
        ([f'  {SOURCE}: ""'], "has no title"),
    ],
    ids=["unknown key", "no title", "empty title"],
)
def test_a_broken_source_fails_naming_the_file_and_line(tmp_path, lines, expected):
    message = problems(make_kb(tmp_path, sources=sources_file(*lines)))
    assert f"data/kb/sources.yml: line 3: the source '{SOURCE}' " in message
    assert expected in message
    assert "is not listed" not in message  # the records citing it are not reported as well
