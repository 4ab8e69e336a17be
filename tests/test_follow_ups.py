"""Follow-up questions: the words that point back, and the entry they mean after an answer."""

import pytest

from assistant.follow_ups import Cue, Reading, default_cues, resolve


@pytest.mark.parametrize(
    ("text", "language", "cue"),
    [
        ("who chairs it?", "en", Cue(refers=True)),
        ("what did he say?", "en", Cue(person=True)),
        ("what does the first one mean?", "en", Cue(refers=True, ordinal=0)),
        ("and the 3rd?", "en", Cue(ordinal=2)),
        ("دوسرا اصول کیا ہے؟", "ur", Cue(ordinal=1)),
        ("czym jest pierwsza zasada?", "pl", Cue(ordinal=0)),
        ("第一个是什么意思？", "zh", Cue(ordinal=0)),
        ("ما هو المبدأ الأول؟", "ar", Cue(ordinal=0)),  # هو is "is" here, not "he"
        ("what is the integrated care system", "en", Cue()),
        ("and for women?", "en", Cue(about=("women",))),
        ("a dla kobiet?", "pl", Cue(about=("kobiet",))),
    ],
)
def test_the_words_that_point_back_are_found_in_each_language(text, language, cue):
    assert default_cues().of(text, language) == cue


def test_a_word_inside_another_is_not_a_cue():
    assert default_cues().of("what is the ICB's vision", "en") == Cue()  # "vision" holds "is"


def test_an_ordinal_picks_the_listed_item(kb):
    last = kb.entries["plan_principles_what_are"]
    assert resolve(Cue(ordinal=1), last, "ics_what_is", [], kb) == Reading(last.items[1], True)


def test_an_ordinal_beyond_the_list_is_not_guessed(kb):
    last = kb.entries["plan_principles_what_are"]
    assert resolve(Cue(ordinal=4), last, "ics_what_is", [], kb) == Reading(None, True)


def test_the_same_question_is_asked_of_the_last_answers_subject(kb):
    last = kb.entries["bcwb_what_is"]
    reading = resolve(Cue(refers=True), last, "ics_chair_who", [], kb)
    assert reading == Reading("bcwb_chair_who", True)


def test_a_question_in_the_last_answers_own_topic_keeps_the_classifiers_choice(kb):
    last = kb.entries["population_birmingham_what_is_it_like"]
    chosen = "population_solihull_what_is_it_like"
    assert resolve(Cue(refers=True), last, chosen, [chosen], kb) == Reading()


def test_he_means_the_person_the_last_answer_quotes(kb):
    last = kb.entries["bcwb_covid_jabs"]
    assert resolve(Cue(person=True), last, None, [], kb) == Reading("simon_stevens_who", True)


def test_an_unsure_follow_up_takes_the_best_ranked_entry_near_the_last_answer(kb):
    last = kb.entries["bcwb_what_is"]
    ranked = ["ics_what_is", "bcwb_designated_when", "pcn_what_is"]
    reading = resolve(Cue(refers=True), last, None, ranked, kb)
    assert reading == Reading("bcwb_designated_when", True)


def test_and_for_women_after_an_answer_that_gives_it_is_that_answer(kb):
    last = kb.entries["population_life_expectancy_gap"]
    assert resolve(Cue(about=("women",)), last, None, [], kb) == Reading(last.id, True)
    assert resolve(Cue(about=("children",)), last, None, [], kb) == Reading()


def test_a_message_that_does_not_point_back_is_left_to_the_classifier(kb):
    last = kb.entries["bcwb_what_is"]
    assert resolve(Cue(), last, None, ["bcwb_designated_when"], kb) == Reading()
    assert resolve(Cue(refers=True), None, None, ["bcwb_designated_when"], kb) == Reading()
