"""The held-out GP-directory questions and how bench/directory.py scores them."""

from assistant.checks.examples import normalised
from assistant.directory.answers import default_directory_answers
from assistant.directory.intents import INTENTS, PRACTICE_PCN
from assistant.language import default_registry
from assistant.paths import DATA_DIR
from assistant.training_examples import read_examples
from bench.directory import (
    DirectoryQuestion,
    DirectoryResult,
    answer_times_ms,
    by_language,
    english_answer,
    load_directory_questions,
    report,
)

QUESTIONS = load_directory_questions()


def test_there_are_questions_of_every_kind_in_english_and_every_tier_1_language():
    tier_1 = {lang.code for lang in default_registry().languages if lang.tier == 1}
    counts = {language: 0 for language in tier_1}
    for question in QUESTIONS:
        assert question.intent in INTENTS, question
        counts[question.language] += 1
    assert counts.pop("en") >= 60
    assert min(counts.values()) >= 15, counts
    assert {q.intent for q in QUESTIONS if q.language == "en"} == set(INTENTS)


def test_the_questions_are_not_training_data_and_their_facts_are_in_the_directory():
    training = {
        normalised(example)
        for path in sorted((DATA_DIR / "nlu").rglob("*.yml"))
        for _, example in read_examples(path)
    }
    data = "".join(
        (DATA_DIR / "directory" / name).read_text(encoding="utf-8")
        for name in ("practices.csv", "pcns.csv")
    )
    for question in QUESTIONS:
        assert normalised(question.text) not in training, question.text
        for expected in question.expect:
            assert expected in data, (question.text, expected)


def test_an_answer_is_right_only_with_the_right_intent_and_every_expected_string():
    question = DirectoryQuestion("x", PRACTICE_PCN, ("North Birmingham PCN",), "en")
    assert DirectoryResult(question, PRACTICE_PCN, "… is in North Birmingham PCN.").correct
    assert not DirectoryResult(question, "faq", "… is in North Birmingham PCN.").correct
    assert not DirectoryResult(question, PRACTICE_PCN, "… is in GOSK PCN.").correct
    unchecked = DirectoryQuestion("gps near b11", "directory_nearest", (), "ur")
    results = [DirectoryResult(question, PRACTICE_PCN, "North Birmingham PCN"),
               DirectoryResult(unchecked, "out_of_scope", "")]  # fmt: skip
    tallies = by_language(results)
    assert (tallies["en"].right, tallies["en"].total) == (1, 1)
    assert (tallies["ur"].right, tallies["ur"].total) == (0, 1)
    text = report(results)
    assert "| en | 1/1 = 100.0% | ≥ 95% | yes |" in text
    assert "| ur | 0/1 = 0.0% | ≥ 90% | **no** |" in text
    assert "- (ur) gps near b11 → out_of_scope" in text


def test_every_question_is_answered_right_when_its_intent_is_known():
    """The directory's part alone: with the intent given, every expected string is there."""
    answers = default_directory_answers()
    assert len(answer_times_ms(answers, QUESTIONS)) == len(QUESTIONS)
    wrong = [
        q.text
        for q in QUESTIONS
        if not all(e in english_answer(answers, q.intent, q.text) for e in q.expect)
    ]
    assert wrong == []
