"""An unsure message that names one partner organisation is taken as a question about it."""

from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from assistant.components.linear_classifier import FAR_FROM_KNOWN
from assistant.components.organisation_question import ASK_ORGANISATION, OrganisationQuestion
from assistant.knowledge.organisation_patterns import ENTITY

COMPONENT = OrganisationQuestion(
    {**OrganisationQuestion.get_default_config(), "leadership_entries": ["icb_chief_executive_who"]}
)


def intent_after(
    intent: str, organisations: list[str], far: bool = False, entry: str | None = None
) -> str:
    message = Message({TEXT: "a question", INTENT: {"name": intent, "confidence": 0.4}})
    if entry:
        selected = {"intent_response_key": f"faq/{entry}", "confidence": 0.9}
        message.set("response_selector", {"faq": {"response": selected}})
    message.set(ENTITIES, [{"entity": ENTITY, "value": name} for name in organisations])
    if far:
        message.set(FAR_FROM_KNOWN, True)
    (processed,) = COMPONENT.process([message])
    return processed.get(INTENT)["name"]


def test_an_unsure_message_naming_one_organisation_asks_about_it():
    assert intent_after("nlu_fallback", ["roh"]) == ASK_ORGANISATION


def test_a_message_far_from_every_known_question_naming_one_organisation_asks_about_it():
    assert intent_after("out_of_scope", ["forward_thinking_birmingham"], far=True) == (
        ASK_ORGANISATION
    )


def test_a_message_like_the_out_of_scope_examples_stays_out_of_scope():
    """"who runs the mental health trust": the documents do not name other trusts' staff."""
    assert intent_after("out_of_scope", ["mental_health_trust"]) == "out_of_scope"


def test_two_organisations_or_a_sure_intent_change_nothing():
    assert intent_after("nlu_fallback", ["roh", "uhb"]) == "nlu_fallback"
    assert intent_after("greet", ["roh"]) == "greet"


def test_a_question_about_a_partner_organisations_leader_is_out_of_scope():
    """"who is the chief executive of UHB?" is not the ICB's chief executive."""
    assert intent_after("faq", ["uhb"], entry="icb_chief_executive_who") == "out_of_scope"


def test_a_leader_question_naming_no_organisation_or_another_entry_is_kept():
    assert intent_after("faq", [], entry="icb_chief_executive_who") == "faq"
    assert intent_after("faq", ["bcc"], entry="public_health_director_who") == "faq"
