"""Outgoing messages: curated → machine → English with a notice; safety text never machine."""

import asyncio

import pytest

from assistant.messages import message as english_message
from assistant.translation.bidi import FSI, PDI, without_isolates
from assistant.translation.curated import CuratedText, CuratedTranslations, load_curated
from assistant.translation.curated import curated as project_curated
from assistant.translation.localiser import Localised, Localiser

URDU = CuratedTranslations(
    language="ur",
    responses={
        "utter_greet": CuratedText("السلام علیکم!", False),
        "kb_answer": CuratedText("{answer}\nماخذ: {source}", False),
        "organisation": CuratedText("{name}: {description}\nماخذ: {source}", False),
        "machine_translated_notice": CuratedText("یہ جواب کمپیوٹر نے ترجمہ کیا ہے۔", False),
        "answer_in_english_notice": CuratedText("معذرت، یہ جواب انگریزی میں ہے:", False),
    },
    interface={},
    kb={"pcn_what_is": CuratedText("پرائمری کیئر نیٹ ورک ...", False)},
)


def curated(language):
    return URDU if language == "ur" else None


class Machine:
    """Translates everything at once, marking it with the target language."""

    async def translate_async(self, text, source, target, budget_seconds=None):
        return f"[{target}] {text}"


class NoMachine:
    """No pack, or nothing back within the budget."""

    async def translate_async(self, text, source, target, budget_seconds=None):
        return None


machine, no_machine = Machine(), NoMachine()


def localise(localiser: Localiser, message: dict, language: str) -> Localised:
    return asyncio.run(localiser.localise(message, language))


def test_english_is_sent_as_it_is():
    result = localise(
        Localiser(curated, machine), {"text": "Hello", "utter_action": "utter_greet"}, "en"
    )
    assert (result.text, result.translation) == ("Hello", "none")


def test_a_curated_response_wins():
    result = localise(
        Localiser(curated, machine), {"text": "Hello", "utter_action": "utter_greet"}, "ur"
    )
    assert (result.text, result.translation) == ("السلام علیکم!", "curated")


def test_a_curated_kb_answer_fills_the_curated_template_and_keeps_the_source():
    message = {
        "text": "A PCN is...\nSource: About us",
        "message_key": "kb_answer",
        "message_values": {"answer": "A PCN is...", "source": "About us"},
        "kb_entry": "pcn_what_is",
    }
    result = localise(Localiser(curated, machine), message, "ur")
    assert result.text == "پرائمری کیئر نیٹ ورک ...\nماخذ: About us"
    assert result.translation == "curated"


def test_an_answer_without_curated_text_is_machine_translated_with_a_notice():
    message = {
        "text": "The ICB...\nSource: Our Plan",
        "message_key": "kb_answer",
        "message_values": {"answer": "The ICB...", "source": "Our Plan"},
        "kb_entry": "icb_what_is",
    }
    result = localise(Localiser(curated, machine), message, "ur")
    assert result.text.startswith("[ur] The ICB...\nماخذ: Our Plan")
    assert result.text.endswith("یہ جواب کمپیوٹر نے ترجمہ کیا ہے۔")
    assert result.translation == "machine"


def test_without_a_pack_the_answer_stays_english_with_a_notice_first():
    message = {"text": "Goodbye", "utter_action": "utter_goodbye"}
    result = localise(Localiser(curated, no_machine), message, "ur")
    assert result.text == "معذرت، یہ جواب انگریزی میں ہے:\nGoodbye"
    assert result.translation == "english"


def test_safety_text_is_never_machine_translated_and_keeps_999_first():
    message = {"text": "If this is an emergency, call 999 now.", "utter_action": "utter_emergency"}
    result = localise(Localiser(curated, machine), message, "ur")
    assert result.text == "If this is an emergency, call 999 now."
    assert result.translation == "english"


def test_button_titles_are_translated_and_payloads_kept():
    message = {
        "text": "You might also want to know:",
        "message_key": "related_intro",
        "buttons": [{"title": "What is a PCN?", "payload": '/faq{"entry":"pcn_what_is"}'}],
    }
    result = localise(Localiser(curated, machine), message, "ur")
    assert result.buttons == [
        {"title": "[ur] What is a PCN?", "payload": '/faq{"entry":"pcn_what_is"}'}
    ]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("responses: {}\n", "expected 'language'"),
        (
            "language: ur\nresponses:\n  utter_greet: {text: '', reviewed: false}\n",
            "utter_greet needs a non-empty 'text'",
        ),
        (
            "language: ur\nresponses:\n  utter_greet: {text: hi}\n",
            "needs 'reviewed: true' or 'false'",
        ),
        ("language: ur\nkb: [1, 2]\n", "'kb' must map keys to texts"),
    ],
)
def test_a_malformed_translations_file_is_refused_with_its_key(tmp_path, content, problem):
    path = tmp_path / "ur.yml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=problem):
        load_curated(path)


def test_without_curated_text_the_notice_is_machine_translated_too():
    result = localise(
        Localiser(curated, machine), {"text": "Goodbye", "utter_action": "utter_goodbye"}, "fr"
    )
    assert (
        result.text
        == "[fr] Goodbye\n[fr] This answer was translated by computer and may contain mistakes."
    )
    assert result.translation == "machine"


def test_a_question_button_takes_its_curated_title():
    urdu = CuratedTranslations(
        language="ur",
        responses=URDU.responses,
        interface={},
        kb={},
        questions={"pcn_what_is": CuratedText("پرائمری کیئر نیٹ ورک (PCN) کیا ہے؟", False)},
    )
    message = {
        "text": "You might also want to know:",
        "message_key": "related_intro",
        "buttons": [
            {"title": "What is a PCN?", "payload": '/faq{"entry":"pcn_what_is"}'},
            {"title": "Who chairs it?", "payload": '/faq{"entry":"ics_chair_who"}'},
        ],
    }
    result = localise(Localiser(lambda _: urdu, no_machine), message, "ur")
    assert [button["title"] for button in result.buttons] == [
        "پرائمری کیئر نیٹ ورک (PCN) کیا ہے؟",
        "Who chairs it?",
    ]


class Recording:
    """Answers only the texts it knows, and notes how many calls were waiting at once."""

    def __init__(self, known):
        self.known = known
        self.asked = []
        self.waiting = self.most_waiting = 0

    async def translate_async(self, text, source, target, budget_seconds=None):
        self.asked.append(text)
        self.waiting += 1
        self.most_waiting = max(self.most_waiting, self.waiting)
        await asyncio.sleep(0)  # a real translator waits for its worker thread here
        self.waiting -= 1
        return self.known.get(text)


REPLY_WITH_BUTTONS = {
    "text": "You might also want to know:",
    "message_key": "related_intro",
    "buttons": [
        {"title": f"Question {number}?", "payload": f'/faq{{"entry":"q{number}"}}'}
        for number in range(5)
    ],
}


def test_a_reply_asks_for_all_its_texts_at_once_so_it_waits_one_budget():
    recording = Recording({})
    localise(Localiser(lambda _: None, recording), REPLY_WITH_BUTTONS, "fr")
    wanted = [
        "You might also want to know:",
        *(f"Question {number}?" for number in range(5)),
        english_message("machine_translated_notice"),
        english_message("answer_in_english_notice"),
    ]
    assert sorted(recording.asked) == sorted(wanted)
    assert recording.most_waiting == len(wanted)


def test_what_is_not_back_in_time_goes_out_in_english():
    recording = Recording(
        {
            "You might also want to know:": "Vous aimeriez aussi savoir :",
            "Question 0?": "Question zéro ?",
            english_message("machine_translated_notice"): "Traduit par ordinateur.",
        }
    )
    result = localise(Localiser(lambda _: None, recording), REPLY_WITH_BUTTONS, "fr")
    assert result.text == "Vous aimeriez aussi savoir :\nTraduit par ordinateur."
    assert result.translation == "machine"
    titles = [button["title"] for button in result.buttons]
    assert titles == ["Question zéro ?", *(f"Question {number}?" for number in range(1, 5))]


def test_a_value_not_back_in_time_leaves_the_answer_in_english_with_the_notice_first():
    message = {
        "text": "The ICB...\nSource: Our Plan",
        "message_key": "kb_answer",
        "message_values": {"answer": "The ICB...", "source": "Our Plan"},
        "kb_entry": "icb_what_is",
    }
    recording = Recording({})
    result = localise(Localiser(curated, recording), message, "ur")
    assert result.text == "معذرت، یہ جواب انگریزی میں ہے:\nThe ICB...\nماخذ: Our Plan"
    assert result.translation == "english"
    assert recording.asked == ["The ICB..."]  # the source is kept; the notices are curated


def test_safety_text_without_curated_text_is_never_sent_to_the_machine():
    recording = Recording({})
    buttons = [{"title": "Find urgent care", "payload": "/urgent"}]
    text = "If this is an emergency, call 999 now."
    message = {"text": text, "utter_action": "utter_emergency", "buttons": buttons}
    result = localise(Localiser(lambda _: None, recording), message, "fr")
    assert (result.text, result.buttons, result.translation) == (text, buttons, "english")
    assert recording.asked == []


RIGHT_TO_LEFT = ("ur", "ar")
ABOUT_US = "Our Integrated Care System: About us"
PCN_ANSWER = {
    "text": f"A PCN is...\nSource: {ABOUT_US}",
    "message_key": "kb_answer",
    "message_values": {"answer": "A PCN is...", "source": ABOUT_US},
    "kb_entry": "pcn_what_is",
    "buttons": [
        {"title": "What is a PCN?", "payload": '/faq{"entry":"pcn_what_is"}'},
        {"title": "Who chairs it?", "payload": '/faq{"entry":"ics_chair_who"}'},
    ],
}


def marked(text: str) -> str:
    return text.replace("⟦", FSI).replace("⟧", PDI)


def test_in_a_right_to_left_language_names_and_numbers_are_isolated_text_and_buttons():
    urdu = CuratedTranslations(
        language="ur",
        responses=URDU.responses,
        interface={},
        kb={"pcn_what_is": CuratedText("PCN میں GP پریکٹسز ہیں۔", False)},
        questions={"pcn_what_is": CuratedText("پرائمری کیئر نیٹ ورک (PCN) کیا ہے؟", False)},
    )
    localiser = Localiser(lambda _: urdu, no_machine, right_to_left=RIGHT_TO_LEFT)
    result = localise(localiser, PCN_ANSWER, "ur")
    assert result.text == marked(f"⟦PCN⟧ میں ⟦GP⟧ پریکٹسز ہیں۔\nماخذ: ⟦{ABOUT_US}⟧")
    assert result.translation == "curated"
    assert result.buttons == [
        {
            "title": marked("پرائمری کیئر نیٹ ورک (⟦PCN⟧) کیا ہے؟"),
            "payload": PCN_ANSWER["buttons"][0]["payload"],
        },
        {"title": marked("⟦Who chairs it⟧?"), "payload": PCN_ANSWER["buttons"][1]["payload"]},
    ]


def test_the_citation_is_the_same_title_in_every_language():
    for code in ("ur", "ar", "pl", "zh", "so"):
        localiser = Localiser(project_curated, no_machine, right_to_left=RIGHT_TO_LEFT)
        result = localise(localiser, PCN_ANSWER, code)
        assert result.translation == "curated", code
        assert without_isolates(result.text).endswith(f": {ABOUT_US}"), code


def test_a_left_to_right_language_is_not_isolated():
    localiser = Localiser(project_curated, machine, right_to_left=RIGHT_TO_LEFT)
    for code in ("en", "pl", "so", "zh", "fr"):
        result = localise(localiser, PCN_ANSWER, code)
        texts = [result.text, *(button["title"] for button in result.buttons)]
        assert not any(FSI in text or PDI in text for text in texts), code
    assert localise(localiser, PCN_ANSWER, "en").text == PCN_ANSWER["text"]


def test_an_english_answer_in_a_right_to_left_language_is_isolated_under_its_notice():
    localiser = Localiser(curated, no_machine, right_to_left=RIGHT_TO_LEFT)
    message = {"text": "The ICS is a partnership.", "utter_action": "utter_ics"}
    result = localise(localiser, message, "ur")
    assert result.text == marked("معذرت، یہ جواب انگریزی میں ہے:\n⟦The ICS is a partnership⟧.")
    assert result.translation == "english"


def test_a_right_to_left_safety_text_keeps_its_curated_words_and_999_first():
    localiser = Localiser(project_curated, machine, right_to_left=RIGHT_TO_LEFT)
    for code in RIGHT_TO_LEFT:
        message = {
            "text": "If this is an emergency, call 999 now.",
            "utter_action": "utter_emergency",
        }
        result = localise(localiser, message, code)
        curated_text = project_curated(code).responses["utter_emergency"].text
        assert result.translation == "curated"
        assert without_isolates(result.text) == curated_text
        assert marked("⟦999⟧") in result.text
        assert result.text.index("999") < result.text.index("111")
