"""The checks before anything goes live: each mistake people can make is caught, named plainly.

Every test changes one thing in a copy of the project and expects exactly the problem(s) it
causes, with the file and line.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from assistant.checks import Problem, rasa_validate, run_checks
from assistant.paths import PROJECT_ROOT

SOURCES = Path(os.environ.get("BSOL_SOURCES_DIR", PROJECT_ROOT.parent / "shared" / "sources"))
COPIED = ("data", "domain.yml", "config.yml", "translations")
KB = "data/kb/gp_practices.yml"
NLU = "data/nlu/faq/gp_practices.yml"


def copy_project(root: Path) -> Path:
    """Copy the project's data, domain, config and translations into ``root``."""
    for name in COPIED:
        if (PROJECT_ROOT / name).is_dir():
            shutil.copytree(PROJECT_ROOT / name, root / name)
        else:
            shutil.copy2(PROJECT_ROOT / name, root / name)
    return root


def edit(root: Path, path: str, old: str, new: str) -> None:
    """Replace the one occurrence of ``old`` in a file of the copy."""
    file = root / path
    text = file.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not in {path} exactly once"
    file.write_text(text.replace(old, new), encoding="utf-8")


def line_of(root: Path, path: str, text: str) -> int:
    """The first line (1-based) of a file of the copy that holds ``text``."""
    lines = (root / path).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if text in line)


def check(root: Path) -> list[Problem]:
    return run_checks(root, sources_dir=SOURCES, rasa=False)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = copy_project(tmp_path)
    assert check(root) == []
    return root


def test_a_problem_reads_file_line_message():
    assert str(Problem("domain.yml", 42, "fix it.")) == "domain.yml:42: fix it."
    assert str(Problem("rasa data validate", None, "fix it.")) == "rasa data validate: fix it."


def test_an_entry_without_example_phrasings(project):
    edit(
        project,
        KB,
        "    related: [pcn_find_mine, pcn_what_is, strategy_qa_delivery_partners]\n",
        "    related: [pcn_find_mine, pcn_what_is, strategy_qa_delivery_partners]\n\n"
        "  - id: pcn_opening_hours\n"
        "    question: When are PCNs open?\n"
        "    answer: Ask your GP practice.\n"
        "    source: 004_43338200f0992a06.txt\n",
    )
    assert check(project) == [
        Problem(
            KB,
            line_of(project, KB, "- id: pcn_opening_hours"),
            "the entry 'pcn_opening_hours' has no example phrasings, so the assistant will never "
            "give its answer: add '- intent: faq/pcn_opening_hours' with at least 8 ways "
            "residents might ask the question to data/nlu/faq/gp_practices.yml.",
        )
    ]


def test_a_question_without_an_entry(project):
    phrasings = "".join(
        f"    - {text}\n"
        for text in (
            "when are pcns open",
            "pcn opening hours",
            "what time does my primary care network open",
            "is my pcn open at weekends",
            "primary care network opening times",
            "when can i visit my pcn",
            "are pcns open in the evening",
            "pcn hours",
        )
    )
    (project / NLU).write_text(
        (project / NLU).read_text(encoding="utf-8")
        + f"- intent: faq/pcn_opening_hours\n  examples: |\n{phrasings}",
        encoding="utf-8",
    )
    assert check(project) == [
        Problem(
            NLU,
            line_of(project, NLU, "- intent: faq/pcn_opening_hours"),
            "faq/pcn_opening_hours has example phrasings but no knowledge-base entry "
            "'pcn_opening_hours' to answer with: add that entry to a file in data/kb, or correct "
            "the name after 'faq/'.",
        )
    ]


def test_an_entry_with_only_five_example_phrasings(project):
    edit(
        project,
        NLU,
        "    - best local contact for a voluntary group in brum\n"
        "    - who is the local level contact for community organisations\n"
        "    - our residents association wants a local nhs contact, who is it\n"
        "    - local level contact for community groups ics\n"
        "    - which part of the nhs should a local community group get in touch with\n"
        "    - where should a small community group go locally, the pcn?\n"
        "    - community groups contact pcn\n",
        "",
    )
    assert check(project) == [
        Problem(
            NLU,
            line_of(project, NLU, "- intent: faq/pcn_community_group_contact"),
            "faq/pcn_community_group_contact has only 5 example phrasings; it needs at least 8 "
            "to be recognised reliably: add 3 more ways residents might ask the question.",
        )
    ]


def test_an_unknown_source(project):
    edit(
        project,
        KB,
        "    source: 004_43338200f0992a06.txt\n"
        "    related: [pcn_find_mine, pcn_what_is, strategy_qa_delivery_partners]\n",
        "    source: nowhere.txt\n"
        "    related: [pcn_find_mine, pcn_what_is, strategy_qa_delivery_partners]\n",
    )
    assert check(project) == [
        Problem(
            KB,
            line_of(project, KB, "source: nowhere.txt"),
            "the entry 'pcn_community_group_contact' cites the source 'nowhere.txt', which is not "
            "listed in data/kb/sources.yml: correct the file name, or add the document to "
            "data/kb/sources.yml.",
        )
    ]


def test_a_number_that_is_not_in_the_source(project):
    assert "4712" not in (SOURCES / "003_edeffa7479d8fefc.txt").read_text(encoding="utf-8")
    edit(project, KB, "cover the West Birmingham area.\n", "cover 4712 people.\n")
    assert check(project) == [
        Problem(
            KB,
            line_of(project, KB, "cover 4712 people."),
            "the answer of 'gp_practices_how_many' says 4712, but 4712 is not in its source "
            "document, 003_edeffa7479d8fefc.txt: check the figure against the document, or cite "
            "the document it comes from.",
        )
    ]


def test_a_missing_sources_folder(project):
    problems = run_checks(project, sources_dir=project / "nowhere", rasa=False)
    assert problems == [
        Problem(
            "data/kb/sources.yml",
            None,
            f"the folder of source documents, {project / 'nowhere'}, was not found, so no answer "
            "can be checked against its source: set BSOL_SOURCES_DIR to the folder that holds "
            "them.",
        )
    ]


def test_a_tier_1_language_without_its_crisis_message(project):
    path = "translations/ur.yml"
    lines = (project / path).read_text(encoding="utf-8").splitlines(keepends=True)
    start = line_of(project, path, "  utter_crisis:") - 1
    (project / path).write_text("".join(lines[:start] + lines[start + 3 :]), encoding="utf-8")
    assert check(project) == [
        Problem(
            path,
            line_of(project, path, "responses:"),
            "Urdu (ur) has no utter_crisis, a safety message: add its translation under "
            "'responses:'. Safety messages are never machine-translated, so without it someone "
            "writing in Urdu is not signposted in Urdu.",
        )
    ]


def test_a_safety_phrase_list_without_a_category(project):
    path = "translations/safety/pl.yml"
    text = (project / path).read_text(encoding="utf-8")
    crisis, urgent_care = text.index("  crisis:\n"), text.index("  urgent_care:\n")
    (project / path).write_text(text[:crisis] + text[urgent_care:], encoding="utf-8")
    assert check(project) == [
        Problem(
            path,
            line_of(project, path, "override:"),
            "Polish (pl) has no 'crisis' phrases; at least 5 are needed so that someone writing "
            "in Polish is signposted at once: add them as a list 'crisis:' under 'override:'.",
        )
    ]


def test_a_file_that_is_not_valid_yaml(project):
    path = "translations/safety/pl.yml"
    edit(project, path, "language: pl\n", "language: pl: Polish\n")
    assert check(project) == [
        Problem(
            path,
            line_of(project, path, "language: pl: Polish"),
            "this file is not valid YAML (mapping values are not allowed in this context), so "
            "nothing in it can be used: look for a wrong indentation, a missing ':' or an "
            "unclosed quote here or on the line before.",
        )
    ]


def test_two_responses_with_the_same_text(project):
    edit(
        project,
        "domain.yml",
        '"You\'re welcome! Is there anything else you would like to know?"',
        '"Goodbye, and take care. Come back any time you have a question about the ICS."',
    )
    goodbye = line_of(project, "domain.yml", "utter_goodbye:") + 1
    assert check(project) == [
        Problem(
            "domain.yml",
            line_of(project, "domain.yml", "utter_thanks:") + 1,
            f"the response utter_thanks has exactly the same text as the response utter_goodbye "
            f"(domain.yml:{goodbye}); one text under two names has to be curated and translated "
            "twice: keep one of them and use it in both places, or reword one.",
        )
    ]


def test_the_same_example_under_two_intents(project):
    edit(project, NLU, "    - whats my pcn\n", "    - What is a  PCN?\n")
    assert check(project) == [
        Problem(
            NLU,
            line_of(project, NLU, "- What is a  PCN?"),
            "the example phrasing 'What is a  PCN?' is also listed under faq/pcn_what_is "
            f"({NLU}:{line_of(project, NLU, '- what is a PCN')}); an example may belong to one "
            "question only: reword or remove one of them.",
        )
    ]


def test_the_same_example_twice_under_one_intent(project):
    edit(project, NLU, "    - whats my pcn\n", "    - which PCN am I in?\n")
    assert check(project) == [
        Problem(
            NLU,
            line_of(project, NLU, "- which PCN am I in?"),
            "the example phrasing 'which PCN am I in?' is listed twice under faq/pcn_find_mine "
            f"(also at {NLU}:{line_of(project, NLU, '- which PCN am I in')}): remove one of them.",
        )
    ]


def test_an_intent_without_a_rule(project):
    edit(
        project,
        "data/rules/conversation.yml",
        "- rule: Say it is a bot\n  steps:\n  - intent: bot_challenge\n"
        "  - action: utter_bot_challenge\n",
        "",
    )
    assert check(project) == [
        Problem(
            "domain.yml",
            line_of(project, "domain.yml", "  - bot_challenge"),
            "the intent 'bot_challenge' has no rule, so the assistant does not know what to do "
            "when it hears it: add a rule for it in data/rules (the rules in "
            "data/rules/conversation.yml are examples).",
        )
    ]


def test_a_safety_response_with_111_before_999(project):
    edit(
        project,
        "domain.yml",
        "If someone's life is at risk, call 999 now. If you need medical help fast but it is not "
        "an emergency, call NHS 111: it is free and open 24 hours.",
        "If you need medical help fast but it is not an emergency, call NHS 111: it is free and "
        "open 24 hours. If someone's life is at risk, call 999 now.",
    )
    assert check(project) == [
        Problem(
            "domain.yml",
            line_of(project, "domain.yml", "utter_urgent_care:") + 1,
            "utter_urgent_care mentions NHS 111 before 999: put 999 first, so that someone in an "
            "emergency reads it before anything else.",
        )
    ]


def test_an_entry_without_its_answer(project):
    edit(
        project,
        KB,
        "    answer: >-\n"
        "      There are 160 GP practices (general practices) across 29 Primary Care Networks\n"
        "      (PCNs) in the Birmingham and Solihull ICS. A further 24 GP practices and 4 PCNs\n"
        "      cover the West Birmingham area.\n",
        "",
    )
    assert check(project) == [
        Problem(
            KB,
            line_of(project, KB, "- id: gp_practices_how_many"),
            "the entry 'gp_practices_how_many' has no answer: add a line 'answer: ...' to it.",
        )
    ]


def test_an_id_used_twice_names_both_places(project):
    edit(project, KB, "  - id: pcn_community_group_contact\n", "  - id: gp_practices_how_many\n")
    lines = (project / KB).read_text(encoding="utf-8").splitlines()
    first, second = [
        n for n, line in enumerate(lines, start=1) if "- id: gp_practices_how_many" in line
    ]
    assert Problem(
        KB,
        second,
        f"another entry already uses the id 'gp_practices_how_many' (also at {KB}:{first}): "
        "give one of them a different id.",
    ) in check(project)


def test_rasa_output_names_the_file_and_line_and_skips_harmless_warnings(tmp_path):
    output = (
        "UserWarning: The following duplicated intents have been found across multiple domain "
        "files: faq\n"
        "\x1b[91mYamlValidationException: Failed to validate 'data/rules/answers.yml'. Please "
        "make sure the file is correct.\n"
        "  in data/rules/answers.yml:15:\n"
        "      Key 'stepz' was not defined. Path: '/rules/3'\x1b[0m\n"
    )
    assert rasa_validate.parse_output(tmp_path, output) == [
        Problem(
            "data/rules/answers.yml",
            15,
            "Rasa cannot read this: Key 'stepz' was not defined. Path: '/rules/3'",
        )
    ]


def test_rasa_failing_without_saying_where_is_still_one_problem(tmp_path, monkeypatch):
    failed = subprocess.CompletedProcess([], returncode=1, stdout="Something odd\n", stderr="")
    monkeypatch.setattr(rasa_validate.subprocess, "run", lambda *args, **kwargs: failed)
    assert rasa_validate.rasa_problems(tmp_path) == [
        Problem(
            "rasa data validate",
            None,
            "Rasa's check of the training data failed without saying where (exit code 1): run "
            "`rasa data validate --fail-on-warnings --config config.yml --domain domain.yml "
            "--data data/nlu data/rules` to see its full output. It ended: Something odd",
        )
    ]


@pytest.mark.slow
def test_rasa_reports_a_rule_naming_an_unknown_action(project):
    path = "data/rules/answers.yml"
    (project / path).write_text(
        (project / path).read_text(encoding="utf-8")
        + "- rule: Broken\n  steps:\n  - intent: help\n  - action: action_does_not_exist\n",
        encoding="utf-8",
    )
    assert run_checks(project, sources_dir=SOURCES) == [
        Problem(
            path,
            line_of(project, path, "- rule: Broken"),
            "Rasa says: The action 'action_does_not_exist' is used in the 'Broken' block, but it "
            "is not listed in the domain file. You should add it to your domain file!",
        )
    ]
