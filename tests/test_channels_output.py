"""Outgoing messages leave localised, with language metadata, and never hold up other residents."""

import asyncio
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from rasa.core.channels.socketio import SocketIOOutput

from assistant.channels.output import LocalisingOutput, ResidentCollectingOutput
from assistant.language import Language
from assistant.messages import message as english_message
from assistant.translation import argos_runtime, packs
from assistant.translation.curated import CuratedText, CuratedTranslations
from assistant.translation.localiser import Localiser
from assistant.translation.machine import MachineTranslator

URDU = Language("ur", "Urdu", "اردو", "Arabic", "rtl", "ur", 1)
FRENCH = Language("fr", "French", "Français", "Latin", "ltr", "fr", 2)
ENGLISH = Language("en", "English", "English", "Latin", "ltr", None, 1)
URDU_TEXTS = CuratedTranslations(
    language="ur",
    responses={"utter_greet": CuratedText("السلام علیکم!", False)},
    interface={},
    kb={},
)
REPLY_WITH_BUTTONS = {
    "text": "You might also want to know:",
    "message_key": "related_intro",
    "buttons": [
        {"title": f"Question {number}?", "payload": f'/faq{{"entry":"q{number}"}}'}
        for number in range(5)
    ],
}
HELD = 60.0  # seconds the slow translator waits at most (the test opens it long before)


def curated(language: str) -> CuratedTranslations | None:
    return URDU_TEXTS if language == "ur" else None


class Machine:
    async def translate_async(
        self, text: str, source: str, target: str, budget_seconds: float | None = None
    ) -> str | None:
        return f"[{target}] {text}"


class Sockets:
    """Stands for python-socketio's server: keeps what would be emitted."""

    def __init__(self) -> None:
        self.emitted: list[tuple[str, dict, str]] = []

    async def emit(self, event: str, data: dict, room: str) -> None:
        self.emitted.append((event, data, room))


def send(output: LocalisingOutput, recipient: str, message: dict) -> None:
    asyncio.run(output.send_response(recipient, message))


def test_a_message_carries_its_language_direction_and_how_it_was_translated() -> None:
    collected = ResidentCollectingOutput()
    output = LocalisingOutput(collected, URDU, Localiser(curated, Machine()))
    send(output, "resident", {"text": "Hello", "utter_action": "utter_greet"})
    send(output, "resident", {"text": "Goodbye", "utter_action": "utter_goodbye"})
    greeting, goodbye = collected.messages
    assert greeting["text"] == "السلام علیکم!"
    assert greeting["metadata"] == {"language": "ur", "dir": "rtl", "translation": "curated"}
    assert goodbye["text"].startswith("[ur] Goodbye\n")
    assert goodbye["metadata"] == {"language": "ur", "dir": "rtl", "translation": "machine"}


def test_english_goes_out_as_it_is_with_its_metadata() -> None:
    collected = ResidentCollectingOutput()
    output = LocalisingOutput(collected, ENGLISH, Localiser(curated, Machine()))
    send(output, "r", REPLY_WITH_BUTTONS)
    (sent,) = collected.messages
    assert sent["text"] == REPLY_WITH_BUTTONS["text"]
    assert sent["buttons"] == REPLY_WITH_BUTTONS["buttons"]
    assert sent["metadata"] == {"language": "en", "dir": "ltr", "translation": "none"}


def test_a_reply_in_english_gives_its_notice_once_in_the_residents_language() -> None:
    french_texts = CuratedTranslations(
        language="fr",
        responses={"answer_in_english_notice": CuratedText("Voici la réponse en anglais :", False)},
        interface={},
        kb={},
    )
    collected = ResidentCollectingOutput()
    output = LocalisingOutput(collected, FRENCH, Localiser(lambda code: french_texts))
    for text in ("The ICS is a partnership.", "You might also want to know:"):
        send(output, "r", {"text": text, "message_key": "kb_answer"})
    first, second = collected.messages
    assert first["text"] == "Voici la réponse en anglais :\nThe ICS is a partnership."
    assert second["text"] == "You might also want to know:"
    assert [m["metadata"]["translation"] for m in (first, second)] == ["english", "english"]


def test_each_reply_gives_its_own_notice() -> None:
    collected = [ResidentCollectingOutput(), ResidentCollectingOutput()]
    for reply in collected:
        output = LocalisingOutput(reply, FRENCH, Localiser(curated))
        send(output, "r", {"text": "The ICS is a partnership."})
    notice = english_message("answer_in_english_notice")
    assert all(reply.messages[0]["text"].startswith(notice) for reply in collected)


def test_the_localisers_keys_and_empty_fields_are_not_sent() -> None:
    class Inner(ResidentCollectingOutput):
        async def send_response(self, recipient_id: str, message: dict) -> None:
            self.messages.append(message)

    inner = Inner()
    message = {
        "text": "A PCN is...",
        "message_key": "kb_answer",
        "message_values": {"answer": "A PCN is...", "source": "About us"},
        "kb_entry": "pcn_what_is",
        "utter_action": "utter_kb_answer",
        "timestamp": 1700000000.0,
        "image": None,
        "custom": {"kind": "answer"},
    }
    send(LocalisingOutput(inner, FRENCH, Localiser(curated, Machine())), "r", message)
    (sent,) = inner.messages
    assert set(sent) == {"text", "custom", "metadata"}
    assert sent["custom"] == {"kind": "answer"}


def test_socketio_gets_one_event_with_quick_replies_and_metadata() -> None:
    sockets = Sockets()
    inner = SocketIOOutput(sockets, "bot_uttered")  # type: ignore[arg-type]
    output = LocalisingOutput(inner, FRENCH, Localiser(curated, Machine()))
    send(output, "socket-1", {**REPLY_WITH_BUTTONS, "buttons": REPLY_WITH_BUTTONS["buttons"][:2]})
    (event, data, room) = sockets.emitted[0]
    assert (event, room, len(sockets.emitted)) == ("bot_uttered", "socket-1", 1)
    assert data == {
        "text": "[fr] You might also want to know:\n"
        f"[fr] {english_message('machine_translated_notice')}",
        "metadata": {"language": "fr", "dir": "ltr", "translation": "machine"},
        "quick_replies": [
            {"content_type": "text", "title": "[fr] Question 0?", "payload": '/faq{"entry":"q0"}'},
            {"content_type": "text", "title": "[fr] Question 1?", "payload": '/faq{"entry":"q1"}'},
        ],
    }
    assert output.name() == "socketio"


def test_a_plain_text_message_is_localised_too() -> None:
    collected = ResidentCollectingOutput()
    output = LocalisingOutput(collected, FRENCH, Localiser(curated, Machine()))
    asyncio.run(output.send_text_message("r", "Sorry, something went wrong."))
    assert collected.messages[0]["text"].startswith("[fr] Sorry, something went wrong.\n")


@pytest.fixture
def slow_french(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[threading.Event]:
    """A fake English → French pack whose translations wait in the worker thread until opened."""
    opened = threading.Event()

    def load_translation(pack_dir: Path) -> Callable[[str], str]:
        def translate(text: str) -> str:
            opened.wait(timeout=HELD)
            return f"[fr] {text}"

        return translate

    pack = packs.InstalledPack("en", "fr", "1.0", tmp_path / "translate-en_fr")
    monkeypatch.setattr(packs, "installed", lambda folder=None: [pack])
    monkeypatch.setattr(argos_runtime, "load_translation", load_translation)
    yield opened
    opened.set()


def test_a_slow_translation_holds_up_only_its_own_reply_which_goes_out_in_english(
    slow_french: threading.Event, tmp_path: Path
) -> None:
    machine = MachineTranslator(packages_dir=tmp_path, budget_seconds=0.5)
    collected = ResidentCollectingOutput()
    french = LocalisingOutput(collected, FRENCH, Localiser(curated, machine))
    english = LocalisingOutput(collected, ENGLISH, Localiser(curated, machine))

    async def another_resident() -> None:
        for number in range(20):
            await asyncio.sleep(0)
            await english.send_response("other", {"text": f"Answer {number}"})

    async def both_conversations() -> None:
        slow_reply = asyncio.create_task(french.send_response("slow", REPLY_WITH_BUTTONS))
        await asyncio.sleep(0)  # the slow reply starts, and waits for its translations
        await another_resident()
        await slow_reply

    try:
        asyncio.run(both_conversations())
    finally:
        slow_french.set()
        machine.close()
    recipients = [sent["recipient_id"] for sent in collected.messages]
    assert recipients == ["other"] * 20 + ["slow"]  # answered while the slow reply waited
    slow = collected.messages[-1]
    notice = english_message("answer_in_english_notice")
    assert slow["text"] == f"{notice}\n{REPLY_WITH_BUTTONS['text']}"
    assert slow["buttons"] == REPLY_WITH_BUTTONS["buttons"]
    assert slow["metadata"] == {"language": "fr", "dir": "ltr", "translation": "english"}

    # The late translations still finished and were kept: the next such reply is in French.
    runs = machine.model_runs
    send(french, "slow", REPLY_WITH_BUTTONS)
    again = collected.messages[-1]
    assert again["metadata"]["translation"] == "machine"
    assert [button["title"] for button in again["buttons"]] == [
        f"[fr] Question {number}?" for number in range(5)
    ]
    assert machine.model_runs == runs
