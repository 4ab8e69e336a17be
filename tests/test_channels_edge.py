"""The edge as a small async core: every collaborator is a fake passed in."""

import asyncio
import logging
from typing import Any

import pytest
from rasa.core.channels.channel import OutputChannel, UserMessage

from assistant.channels.edge import Edge
from assistant.channels.output import LocalisingOutput
from assistant.language import ConversationLanguage, default_registry
from assistant.messages import message
from assistant.safety import all_safety_phrases
from assistant.storage import outcome
from assistant.translation.curated import curated
from assistant.translation.localiser import Localiser


class Collected(OutputChannel):
    """An output channel that keeps what it is sent."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    @classmethod
    def name(cls) -> str:
        return "collected"

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        self.sent.append(message)


class FakeTranslator:
    """Translates French to English by a table (records what it was asked, in); can wait."""

    def __init__(self, table: dict[str, str], wait_for: asyncio.Event | None = None) -> None:
        self.table, self.wait_for, self.asked = table, wait_for, []

    def can_translate(self, source: str, target: str) -> bool:
        return source == "fr" and target == "en"

    async def translate_async(self, text: str, source: str, target: str, **_: Any) -> str | None:
        if source == "fr":
            self.asked.append(text)
        if self.wait_for is not None:
            await self.wait_for.wait()
        return self.table.get(text)


class FakeLanguages:
    """The conversation-language lookup: a dict, and a record of who was looked up."""

    def __init__(self, languages: dict[str, ConversationLanguage] | None = None) -> None:
        self.languages, self.looked_up = languages or {}, []

    async def __call__(self, sender_id: str) -> ConversationLanguage | None:
        self.looked_up.append(sender_id)
        return self.languages.get(sender_id)


def make_edge(translator: FakeTranslator | None = None, languages: Any = None) -> Edge:
    translator = translator or FakeTranslator({})
    return Edge(
        registry=default_registry(),
        safety=all_safety_phrases(),
        translator=translator,
        localiser=Localiser(curated, translator),
        conversation_language=languages or FakeLanguages(),
        max_message_chars=1000,
    )


def run(edge: Edge, text: str, sender: str = "s1", metadata: dict | None = None, rasa=None):
    """Handle one message; return what Rasa was given and what the resident was sent."""
    seen: list[UserMessage] = []

    async def on_new_message(user_message: UserMessage) -> None:
        seen.append(user_message)
        if rasa is not None:
            await rasa(user_message)
        else:
            await user_message.output_channel.send_response(sender, {"text": "answer"})

    output = Collected()
    asyncio.run(edge.handler(on_new_message)(UserMessage(text, output, sender, metadata=metadata)))
    return (seen[0] if seen else None), output.sent


def test_the_message_is_cleaned_and_its_language_recorded():
    given, sent = run(make_edge(), "<b>who chairs</b>   the ICS?")
    assert given.text == "who chairs the ICS?"
    assert given.metadata["language"] == "en"
    assert isinstance(given.output_channel, LocalisingOutput)
    assert sent[0]["metadata"]["language"] == "en"


def test_an_explicit_language_needs_no_tracker_read():
    languages = FakeLanguages({"s1": ConversationLanguage("pl")})
    edge = make_edge(languages=languages)
    given, sent = run(edge, "who chairs the ICS?", metadata={"language": "ur"})
    assert languages.looked_up == []
    assert given.metadata["language"] == "ur"
    assert sent[0]["metadata"] == {"language": "ur", "dir": "rtl", "translation": "english"}


def test_the_conversations_language_is_kept_for_a_short_reply():
    given, _ = run(make_edge(languages=FakeLanguages({"s1": ConversationLanguage("pl")})), "ok")
    assert given.metadata["language"] == "pl"


def test_a_chosen_language_is_kept_for_a_message_in_english_and_stays_chosen():
    languages = FakeLanguages({"s1": ConversationLanguage("ur", chosen=True)})
    given, _ = run(make_edge(languages=languages), "what is the integrated care system?")
    assert given.metadata["language"] == "ur"
    assert given.metadata["language_chosen"] == "ur"


def test_a_detected_language_is_not_a_choice():
    languages = FakeLanguages({"s1": ConversationLanguage("ur")})
    given, _ = run(make_edge(languages=languages), "what is the integrated care system?")
    assert given.metadata["language"] == "en"
    assert "language_chosen" not in given.metadata


def test_a_switch_request_is_recorded_as_the_residents_choice():
    given, _ = run(make_edge(), "اردو میں بات کریں")
    assert given.metadata["language_chosen"] == "ur"


def test_a_message_in_a_language_with_a_pack_is_translated_in():
    translator = FakeTranslator({"qui préside l'ICS ?": "who chairs the ICS?"})
    given, _ = run(make_edge(translator), "qui préside l'ICS ?", metadata={"language": "fr"})
    assert given.text == "who chairs the ICS?"
    assert given.metadata["original_text"] == "qui préside l'ICS ?"


def test_a_typed_command_reaches_rasa_as_words():
    given, _ = run(make_edge(), "/restart John Smith")
    assert given.text == "restart John Smith"


def test_a_failure_gets_a_polite_reply_and_no_text_in_the_log(caplog):
    async def broken(_: UserMessage) -> None:
        raise RuntimeError("the model is gone")

    with caplog.at_level(logging.DEBUG):
        _, sent = run(make_edge(), "my name is Zebedee Quux", rasa=broken)
    assert [m["text"] for m in sent] == [message("technical_problem")]
    assert "Could not handle a message from s1" in caplog.text
    assert "Zebedee" not in caplog.text


def test_a_message_the_store_could_not_save_is_said_to_the_resident():
    async def unsaved(user_message: UserMessage) -> None:
        await user_message.output_channel.send_response("s1", {"text": "answer"})
        outcome.record_failure("save")

    _, sent = run(make_edge(), "what is a PCN?", rasa=unsaved)
    assert [m["text"] for m in sent] == ["answer", message("message_not_saved")]


def test_the_edges_own_messages_are_curated_in_the_residents_language():
    async def unsaved(_: UserMessage) -> None:
        outcome.record_failure("save")

    _, sent = run(make_edge(), "PCN کیا ہے؟", metadata={"language": "ur"}, rasa=unsaved)
    assert sent[-1]["metadata"]["translation"] == "curated"
    assert sent[-1]["text"] == curated("ur").responses["message_not_saved"].text


def test_a_slow_translation_lets_another_conversation_be_answered_meanwhile():
    """One resident's translation waits until another resident has been answered in full."""
    other_answered = asyncio.Event()
    translator = FakeTranslator({"bonjour": "hello"}, wait_for=other_answered)
    edge = make_edge(translator)
    order: list[str] = []

    async def rasa(user_message: UserMessage) -> None:
        order.append(user_message.sender_id)
        await user_message.output_channel.send_response(user_message.sender_id, {"text": "hi"})
        if user_message.sender_id == "other":
            other_answered.set()

    async def both() -> None:
        handle = edge.handler(rasa)
        slow = UserMessage("bonjour", Collected(), "slow", metadata={"language": "fr"})
        quick = UserMessage("what is a PCN?", Collected(), "other")
        await asyncio.wait_for(asyncio.gather(handle(slow), handle(quick)), timeout=10)

    asyncio.run(both())
    assert order == ["other", "slow"]
    assert translator.asked == ["bonjour"]


@pytest.mark.parametrize("emergency", ["my dad has chest pain", "I want to kill myself"])
def test_an_emergency_is_never_machine_translated(emergency):
    translator = FakeTranslator({})
    given, _ = run(make_edge(translator), emergency, metadata={"language": "fr"})
    assert translator.asked == []
    assert given.text == emergency


@pytest.mark.parametrize(
    ("text", "code", "direction"),
    [
        ("زما پلار د سینې درد لري", "ps", "rtl"),  # Pashto: no pack, no registry entry
        ("mon père a une douleur à la poitrine", "fr", "ltr"),
        ("Göğsümde çok kötü bir ağrı var ve nefes alamıyorum", "tr", "ltr"),
    ],
)
def test_an_emergency_is_answered_in_the_language_of_its_phrase(text, code, direction):
    async def emergency(user_message: UserMessage) -> None:
        await user_message.output_channel.send_response(
            "s1", {"text": "Call 999", "utter_action": "utter_emergency"}
        )

    given, sent = run(make_edge(), text, rasa=emergency)
    assert sent[0]["metadata"] == {"language": code, "dir": direction, "translation": "curated"}
    assert sent[0]["text"] == curated(code).responses["utter_emergency"].text
    assert sent[0]["text"].index("999") < sent[0]["text"].index("111")
    assert given.text == text  # never machine-translated


def test_a_turn_that_sent_no_reply_is_said_to_the_resident(caplog):
    """Rasa logs a failed action (the action server down) and sends nothing: never silence."""

    async def silent(_: UserMessage) -> None:
        return None

    with caplog.at_level(logging.ERROR):
        _, sent = run(make_edge(), "what is a PCN?", rasa=silent)
    assert [m["text"] for m in sent] == [message("technical_problem")]
    assert "No reply was produced for s1" in caplog.text


def test_a_turn_that_replied_gets_no_extra_message():
    _, sent = run(make_edge(), "what is a PCN?")
    assert [m["text"] for m in sent] == ["answer"]
