"""Run every check on a copy of the project and collect every problem, never stopping early."""

from pathlib import Path

from assistant.checks.documents import Project
from assistant.checks.examples import example_problems
from assistant.checks.faq_coverage import faq_coverage_problems
from assistant.checks.intents import intent_problems
from assistant.checks.kb_schema import kb_schema_problems
from assistant.checks.problem import Problem
from assistant.checks.rasa_validate import rasa_problems
from assistant.checks.records import intent_blocks, kb_records
from assistant.checks.responses import duplicate_response_problems, safety_response_problems
from assistant.checks.sources import default_sources_dir, source_problems
from assistant.checks.translations import translation_problems
from assistant.paths import PROJECT_ROOT


def run_checks(
    root: Path = PROJECT_ROOT, *, sources_dir: Path | None = None, rasa: bool = True
) -> list[Problem]:
    """Check the project in ``root`` before it goes live.

    Args:
        root: The project folder (its ``data``, ``domain.yml``, ``config.yml`` and
            ``translations`` are read).
        sources_dir: The folder of source documents; default ``$BSOL_SOURCES_DIR``, else
            ``shared/sources`` beside the project.
        rasa: Whether to also run ``rasa data validate --fail-on-warnings`` (about 15 seconds).

    Returns:
        Every problem found, files that cannot be read first; empty if there are none.
    """
    project = Project(root)
    records = kb_records(project)
    blocks = intent_blocks(project)
    problems = [
        *kb_schema_problems(project, records),
        *faq_coverage_problems(records, blocks),
        *source_problems(project, records, sources_dir or default_sources_dir(root)),
        *translation_problems(project),
        *duplicate_response_problems(project),
        *example_problems(blocks),
        *intent_problems(project, blocks),
        *safety_response_problems(project),
    ]
    if rasa:
        problems += rasa_problems(root)
    return project.problems + problems
