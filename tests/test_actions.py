"""Each action against tracker fixtures (tests/data/trackers): the events and messages it gives."""

import asyncio
import copy
import dataclasses
import json
from pathlib import Path

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import (
    ActionAnswerFaq,
    ActionAnswerMore,
    answer_entry,
    button_entry_id,
    ranked_entry_ids,
)
from actions.languages import ActionListLanguages
from actions.organisations import ActionAnswerOrganisation
from actions.topics import ActionListTopics
from assistant.knowledge import Source

TRACKERS = Path(__file__).parent / "data" / "trackers"


def tracker(name: str, **changes) -> Tracker:
    state = json.loads((TRACKERS / f"{name}.json").read_text(encoding="utf-8"))
    state = copy.deepcopy(state) | changes
    return Tracker.from_dict(state)


def run(action, state: Tracker) -> tuple[list, list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, state, {}))
    return events, dispatcher.messages


def test_a_typed_question_is_answered_with_its_source_and_related_questions(kb):
    events, messages = run(ActionAnswerFaq(), tracker("faq_typed"))
    assert events == [SlotSet("kb_entry", "ics_chair_who")]
    assert "Dame Yve Buckland" in messages[0]["text"]
    assert messages[0]["text"].endswith(
        "\nSource: Birmingham and Solihull STP approved as an Integrated Care System (news)"
    )
    related = [b["payload"] for b in messages[1]["buttons"]]
    assert related == [f'/faq{{"entry":"{r}"}}' for r in kb.entries["ics_chair_who"].related]


def test_the_source_file_is_kept_in_the_metadata_not_the_text(kb):
    _, messages = run(ActionAnswerFaq(), tracker("faq_typed"))
    answer = messages[0]
    assert answer["source_file"] == kb.entries["ics_chair_who"].source == "000_c93b8dba418caeb3.txt"
    assert ".txt" not in answer["text"]
    assert ".txt" not in json.dumps(answer["message_values"])  # what the localiser fills in
    assert "http" not in answer["text"]  # no public address is recorded for the document


def test_a_source_with_a_public_address_is_cited_with_it(kb):
    entry = kb.entries["ics_chair_who"]
    url = "https://www.example.org/news/bsol-ics-approved"
    linked = Source(entry.source, "Birmingham and Solihull ICS approved (news)", url)
    with_url = dataclasses.replace(kb, sources={**kb.sources, entry.source: linked})
    dispatcher = CollectingDispatcher()
    answer_entry(dispatcher, with_url, entry)
    answer = dispatcher.messages[0]
    assert answer["text"].endswith(f"\nSource: {linked.title} ({url})")  # a link in the widget
    assert answer["source_file"] == entry.source
    assert "source_file" not in dispatcher.messages[1]  # the related questions cite nothing


def test_a_button_asks_for_its_entry():
    events, messages = run(ActionAnswerFaq(), tracker("faq_button"))
    assert events == [SlotSet("kb_entry", "pcn_find_mine")]
    assert "GP practice" in messages[0]["text"]


def test_an_unknown_entry_is_answered_honestly_not_guessed():
    state = tracker("faq_button")
    state.latest_message["entities"] = [{"entity": "entry", "value": "no_such_entry"}]
    events, messages = run(ActionAnswerFaq(), state)
    assert events == []
    assert [m["response"] for m in messages] == ["utter_not_sure"]  # once, not a follow-up loop


def test_a_buttons_entry_is_read_from_its_entity_and_the_classifiers_from_its_ranking():
    message = {
        "entities": [{"entity": "entry", "value": "pcn_what_is"}],
        "response_selector": {
            "faq": {
                "response": {"intent_response_key": "faq/ics_what_is"},
                "ranking": [
                    {"intent_response_key": "faq/ics_what_is"},
                    {"intent_response_key": "faq/icb_what_is"},
                ],
            }
        },
    }
    assert button_entry_id(message) == "pcn_what_is"
    assert button_entry_id({"entities": []}) is None
    assert ranked_entry_ids(message) == ["ics_what_is", "icb_what_is"]


def follow_up(text: str, last: str | None, ranked: list[str], intent: str = "faq") -> Tracker:
    """A typed message after the answer ``last``, with the classifier's ranking."""
    ranking = [{"intent_response_key": f"faq/{e}", "confidence": 0.1} for e in ranked]
    return tracker(
        "faq_typed",
        slots={"kb_entry": last, "organisation": None},
        latest_message={
            "text": text,
            "intent": {"name": intent, "confidence": 0.6},
            "entities": [],
            "metadata": {"language": "en"},
            "response_selector": {"faq": {"response": ranking[0], "ranking": ranking}},
        },
    )


def test_who_chairs_it_after_the_black_country_answer_names_its_chair():
    state = follow_up("who chairs it?", "bcwb_what_is", ["ics_chair_who", "bcwb_chair_who"])
    events, messages = run(ActionAnswerFaq(), state)
    assert events == [SlotSet("kb_entry", "bcwb_chair_who")]
    assert "Jonathan Fellows" in messages[0]["text"]


def test_the_first_one_after_the_principles_is_subsidiarity_even_when_the_classifier_is_unsure():
    state = follow_up(
        "what does the first one mean?", "plan_principles_what_are", ["ics_what_is"], "nlu_fallback"
    )
    events, messages = run(ActionAnswerFaq(), state)
    assert events == [SlotSet("kb_entry", "plan_principle_subsidiarity_what_is")]
    assert "locally" in messages[0]["text"]


def test_a_follow_up_with_no_answer_before_it_asks_for_the_whole_question():
    state = follow_up("what does the first one mean?", None, ["ics_what_is"], "nlu_fallback")
    events, messages = run(ActionAnswerFaq(), state)
    assert events == []
    assert "not sure what you are referring to" in messages[0]["text"]


def test_an_unsure_message_that_is_no_follow_up_gets_the_not_sure_reply():
    state = follow_up("qwzx blorp", "bcwb_what_is", ["ics_what_is"], "nlu_fallback")
    events, messages = run(ActionAnswerFaq(), state)
    assert events == []
    assert [m["response"] for m in messages] == ["utter_not_sure"]


def test_tell_me_more_follows_the_first_related_entry_not_yet_answered(kb):
    first = kb.entries["icb_what_is"].related[0]
    events, messages = run(ActionAnswerMore(), tracker("ask_more_after_icb"))
    assert events == [SlotSet("kb_entry", first)]
    assert kb.entries[first].answer in messages[0]["text"]

    answered = [{"event": "slot", "name": "kb_entry", "value": e} for e in ["icb_what_is", first]]
    events, _ = run(ActionAnswerMore(), tracker("ask_more_after_icb", events=answered))
    assert events == [SlotSet("kb_entry", kb.entries["icb_what_is"].related[1])]


def test_tell_me_more_with_nothing_left_says_so():
    events, messages = run(
        ActionAnswerMore(), tracker("ask_more_after_icb", slots={"kb_entry": None})
    )
    assert events == []
    assert "That is all I have" in messages[0]["text"]


def test_an_organisation_is_described_with_its_source():
    events, messages = run(ActionAnswerOrganisation(), tracker("ask_organisation"))
    assert events == [SlotSet("organisation", "royal_orthopaedic_hospital_nhs_foundation_trust")]
    assert messages[0]["text"].startswith("The Royal Orthopaedic Hospital NHS Foundation Trust: ")
    assert messages[0]["text"].endswith("\nSource: Our Integrated Care System: About us")
    assert messages[0]["source_file"] == "003_edeffa7479d8fefc.txt"


def test_what_does_it_do_uses_the_organisation_talked_about_last():
    state = tracker("ask_organisation")
    state.latest_message["entities"] = []
    _, messages = run(ActionAnswerOrganisation(), state)
    assert "Royal Orthopaedic" in messages[0]["text"]


def test_with_no_organisation_known_a_clear_entry_answers_the_question():
    state = tracker("ask_organisation", slots={"kb_entry": None, "organisation": None})
    state.latest_message["entities"] = []
    key = "faq/partners_councils_which"
    state.latest_message["response_selector"] = {
        "faq": {"response": {"intent_response_key": key, "confidence": 0.8}}
    }
    events, messages = run(ActionAnswerOrganisation(), state)
    assert events == [SlotSet("kb_entry", "partners_councils_which")]
    assert "Solihull Metropolitan Borough Council" in messages[0]["text"]


def test_with_no_organisation_known_and_no_clear_entry_the_partners_are_offered(kb):
    state = tracker("ask_organisation", slots={"kb_entry": None, "organisation": None})
    state.latest_message["entities"] = []
    key = "faq/partners_councils_which"
    state.latest_message["response_selector"] = {
        "faq": {"response": {"intent_response_key": key, "confidence": 0.3}}
    }
    events, messages = run(ActionAnswerOrganisation(), state)
    assert events == []
    assert len(messages[0]["buttons"]) == len(kb.organisations)


def test_help_lists_topics_and_a_topic_lists_its_questions(kb):
    _, messages = run(ActionListTopics(), tracker("faq_typed"))
    assert [b["title"] for b in messages[0]["buttons"]] == [t.title for t in kb.topics]

    state = tracker("faq_typed")
    state.latest_message["entities"] = [{"entity": "topic", "value": "gp_practices"}]
    _, messages = run(ActionListTopics(), state)
    assert kb.topic("gp_practices").title in messages[0]["text"]
    assert (
        messages[0]["buttons"][0]["payload"]
        == f'/faq{{"entry":"{kb.topic("gp_practices").entry_ids[0]}"}}'
    )


def test_the_languages_are_listed_by_their_own_names():
    events, messages = run(ActionListLanguages(), tracker("faq_typed"))
    assert events == []
    assert messages[0]["message_key"] == "languages_spoken"
    languages = messages[0]["message_values"]["languages"]
    assert languages.startswith("English, اردو, ਪੰਜਾਬੀ")
    assert languages in messages[0]["text"]
