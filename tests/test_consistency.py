"""The pieces agree: the project passes every check; held-out and validation questions are real."""

import pytest

from assistant.checks import run_checks
from assistant.checks.examples import normalised
from assistant.paths import DATA_DIR, PROJECT_ROOT
from assistant.training_examples import read_examples
from bench.heldout import HELDOUT_DIR, load_heldout

VALIDATION_DIR = PROJECT_ROOT / "tests" / "data" / "validation"


def test_the_project_passes_every_check():
    problems = run_checks(PROJECT_ROOT, rasa=False)
    assert not problems, "\n".join(str(problem) for problem in problems)


@pytest.mark.slow
def test_the_project_passes_every_check_with_rasa_data_validate():
    problems = run_checks(PROJECT_ROOT, rasa=True)
    assert not problems, "\n".join(str(problem) for problem in problems)


@pytest.mark.parametrize("directory", [HELDOUT_DIR, VALIDATION_DIR], ids=["heldout", "validation"])
def test_questions_point_at_real_answers_with_their_facts_and_are_not_training_data(kb, directory):
    questions = load_heldout(directory)
    assert len(questions) >= 40
    training = {
        normalised(example)
        for path in sorted((DATA_DIR / "nlu").rglob("*.yml"))
        for _, example in read_examples(path)
    }
    for question in questions:
        answer = kb.entries[question.entry].answer if question.entry in kb.entries else None
        if answer is None:
            organisation = kb.organisation(question.entry)
            assert organisation is not None, f"{question.text} points at unknown {question.entry}"
            answer = f"{organisation.name} {organisation.description}"
        for fact in question.expect:
            assert (
                fact.casefold() in answer.casefold()
            ), f"{question.entry}: '{fact}' not in the answer"
        assert (
            normalised(question.text) not in training
        ), f"this question is training data: {question.text}"
