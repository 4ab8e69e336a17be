"""Message texts never reach a log line or a warning while the message is being handled."""

import asyncio
import json
import logging
import threading
import warnings
from collections.abc import Iterator
from typing import TextIO

import pytest
import rasa.shared.utils.io

from assistant import log_privacy
from assistant.log_privacy import PACKET_DATA, REDACTED, also_hide, handling

NAME_AND_NUMBER = "/restart John Smith 943 476 5919"
QUESTION = "Can Zebedee Quillfeather see a doctor about my knee?"
ACCENTED = "¿Dónde está la farmacia más cercana para Zoë Ñúñez?"
LOGGERS = ["rasa.core.processor", "sanic.error", "assistant.channels.edge"]
LEVELS = [logging.DEBUG, logging.INFO, logging.WARNING]


class Lines(logging.Handler):
    """Keeps each formatted line."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def installed() -> Iterator[None]:
    """log_privacy installed for one test, then the process's logging as it was."""
    factory, showwarning = logging.getLogRecordFactory(), warnings.showwarning
    log_privacy.install()
    try:
        yield
    finally:
        logging.setLogRecordFactory(factory)
        warnings.showwarning = showwarning


@pytest.fixture
def lines(installed: None) -> Iterator[Lines]:
    """The lines every test logger writes (the handler is added after install)."""
    handler = Lines()
    loggers = [logging.getLogger(name) for name in [*LOGGERS, "engineio.server", "test"]]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(level)


def log(*args: object, **kwargs: object) -> None:
    logging.getLogger("test").info(*args, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", LOGGERS)
@pytest.mark.parametrize("level", LEVELS)
def test_the_text_is_hidden_in_the_message_its_arguments_and_f_strings(
    lines: Lines, name: str, level: int
) -> None:
    logger = logging.getLogger(name)
    with handling(NAME_AND_NUMBER):
        logger.log(level, NAME_AND_NUMBER)
        logger.log(level, "Failed to parse arguments in line '%s'.", NAME_AND_NUMBER)
        logger.log(level, "%(text)s arrived", {"text": NAME_AND_NUMBER})
        logger.log(level, f"Received {NAME_AND_NUMBER!r} from someone")
    assert len(lines.lines) == 4
    assert "John" not in lines.text and "5919" not in lines.text
    assert all(REDACTED in line for line in lines.lines)
    assert "Failed to parse arguments in line '[message text]'." in lines.text


def test_the_text_is_hidden_in_json_and_reprs_of_parse_results(lines: Lines) -> None:
    parse = {"text": ACCENTED, "intent": {"name": "faq"}, "entities": []}
    with handling(ACCENTED):
        log(json.dumps({"parse_data_text": ACCENTED, "event": "processor.message.parse"}))
        log("Parsed %s", parse)
        log("%s", json.dumps({"states": repr(parse)}))
        log("tokens %s", ACCENTED.lower().split())
    assert "Zo" not in lines.text and "Ñ" not in lines.text and "farmacia" not in lines.text
    assert "\\u00d1" not in lines.text and "u00eb" not in lines.text
    assert "'intent': {'name': 'faq'}" in lines.text  # the rest of the line is kept


def test_a_part_of_the_text_is_hidden_where_it_was_cut(lines: Lines) -> None:
    long = "I would like to know " + "whether the clinic near Marmaduke Street opens late " * 20
    with handling(long):
        log("locals: {'text': %s}", repr(long)[:80] + f"+{len(long) - 80}")
        log("last words: %s", long[-40:])
    assert "Marmaduke" not in lines.text and "clinic" not in lines.text


def test_numbers_are_hidden_on_their_own_and_common_words_are_not(lines: Lines) -> None:
    with handling("my name is Ottoline and my number is 07700 900123, is the 2nd ok"):
        log("Calling 900123 back")
        log("Predicted next action 'utter_greet' for my 2 names")
    assert lines.lines[0].endswith(f"Calling {REDACTED} back")
    assert lines.lines[1].endswith("Predicted next action 'utter_greet' for my 2 names")


def test_a_short_message_is_hidden_as_a_whole(lines: Lines) -> None:
    with handling("diabetes clinic"):
        log("User said 'Diabetes Clinic'")
        log("The clinic is open")
    assert lines.lines[0].endswith(f"User said '{REDACTED}'")
    assert lines.lines[1].endswith("The clinic is open")


def test_a_text_with_no_words_is_hidden_as_it_is(lines: Lines) -> None:
    emoji = "😷🤒🤕😷🤒🤕😷🤒"
    with handling(emoji):
        log("Got %s", emoji)
        log("Got %s", json.dumps(emoji))
    assert emoji not in lines.text and "\\ud83d\\ude37" not in lines.text


def test_escapes_in_json_do_not_join_or_split_words(lines: Lines) -> None:
    text = 'He said "call me"\nJohn Smith\t943 476'
    with handling(text):
        log(json.dumps({"text": text}))
        log(json.dumps({"states": json.dumps({"text": text})}))
    assert "John" not in lines.text and "943" not in lines.text


def test_the_text_is_hidden_in_a_traceback(lines: Lines) -> None:
    with handling(NAME_AND_NUMBER):
        try:
            try:
                NAME_AND_NUMBER.encode("ascii", "strict").decode("utf-8")
                raise UnicodeEncodeError("ascii", NAME_AND_NUMBER, 0, 1, NAME_AND_NUMBER)
            except UnicodeEncodeError as error:
                raise RuntimeError(f"Could not save {NAME_AND_NUMBER!r}") from error
        except RuntimeError:
            logging.getLogger("sanic.error").exception("Exception occurred while handling uri")
    assert "Traceback" in lines.text and "RuntimeError: Could not save" in lines.text
    assert "John" not in lines.text and "5919" not in lines.text


def test_the_text_is_hidden_in_stack_information(installed: None) -> None:
    make_record = logging.getLogRecordFactory()
    with handling(QUESTION):
        record = make_record(
            "test", logging.INFO, __file__, 1, "hi", (), None, None, f"Stack: {QUESTION}"
        )
    assert record.stack_info == f"Stack: {REDACTED}"


def test_a_message_that_does_not_fit_its_arguments_shows_no_text(
    lines: Lines, capsys: pytest.CaptureFixture[str]
) -> None:
    with handling(QUESTION):
        log("%s and %s", QUESTION)
    assert "Zebedee" not in lines.text + capsys.readouterr().err
    assert lines.lines[0].endswith("its arguments did not fit it, so they are not shown]")


@pytest.fixture
def shown(installed: None) -> Iterator[list[str]]:
    """Each warning as ``rasa run`` writes it to stderr (pytest would only record it)."""
    printed: list[str] = []

    def show(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: TextIO | None = None,
        line: str | None = None,
    ) -> None:
        printed.append(warnings.formatwarning(message, category, filename, lineno, line))

    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.showwarning = show
        log_privacy.install()
        yield printed


def test_a_warning_hides_the_text(shown: list[str]) -> None:
    with handling(NAME_AND_NUMBER, QUESTION):
        # What Rasa's RegexMessageHandler says about a typed "/restart John Smith ...".
        rasa.shared.utils.io.raise_warning(
            f"Failed to parse arguments in line '{NAME_AND_NUMBER}'. Expected the intent "
            f"to be one of [...] but found {NAME_AND_NUMBER[1:]}.",
            docs="https://rasa.com/docs/rasa/stories",
        )
        warnings.warn(f"Plain {QUESTION}", UserWarning, stacklevel=1)
    assert len(shown) == 2
    assert "UserWarning: Failed to parse arguments in line '[message text]'" in shown[0]
    assert f"UserWarning: Plain {REDACTED}" in shown[1]
    assert not any(word in "".join(shown) for word in ["John", "5919", "Zebedee"])


def test_text_outside_a_handling_block_is_left_as_it_is(lines: Lines, shown: list[str]) -> None:
    with handling(QUESTION):
        pass
    log("Failed to parse arguments in line '%s'.", NAME_AND_NUMBER)
    warnings.warn(NAME_AND_NUMBER, UserWarning, stacklevel=1)
    assert lines.lines == [f"INFO test Failed to parse arguments in line '{NAME_AND_NUMBER}'."]
    assert f"UserWarning: {NAME_AND_NUMBER}" in shown[0]


def test_texts_found_later_in_the_block_are_hidden_too(lines: Lines) -> None:
    also_hide("nothing happens outside a block")
    with handling("<b>Hello</b> Zebedee <i>Quillfeather</i>"):
        cleaned = "Hello Zebedee Quillfeather"
        also_hide(cleaned, None, "")
        log("Cleaned: %s", cleaned)
    log("nothing happens outside a block")
    assert lines.lines == [
        f"INFO test Cleaned: {REDACTED}",
        "INFO test nothing happens outside a block",
    ]


def test_nested_blocks_hide_their_texts_and_those_around_them(lines: Lines) -> None:
    with handling(QUESTION):
        with handling(NAME_AND_NUMBER):
            log("%s / %s", QUESTION, NAME_AND_NUMBER)
        log("%s / %s", QUESTION, NAME_AND_NUMBER)
    assert lines.lines[0] == f"INFO test {REDACTED} / {REDACTED}"
    assert lines.lines[1] == f"INFO test {REDACTED} / {NAME_AND_NUMBER}"


def test_concurrent_tasks_each_hide_their_own_texts(lines: Lines) -> None:
    async def conversation(own: str, other: str, opened: asyncio.Event, go: asyncio.Event) -> None:
        with handling(own):
            opened.set()
            await go.wait()  # both blocks are open now
            await asyncio.sleep(0)
            log("own %s", own)
            await asyncio.create_task(asyncio.to_thread(log, "thread %s", own))
            log("other %s", other)

    async def main() -> None:
        opened = [asyncio.Event(), asyncio.Event()]
        go = asyncio.Event()
        tasks = [
            asyncio.create_task(conversation(QUESTION, NAME_AND_NUMBER, opened[0], go)),
            asyncio.create_task(conversation(NAME_AND_NUMBER, QUESTION, opened[1], go)),
        ]
        await asyncio.gather(*(event.wait() for event in opened))
        go.set()
        await asyncio.gather(*tasks)

    asyncio.run(main())
    assert sorted(lines.lines) == sorted(
        [
            f"INFO test own {REDACTED}",
            f"INFO test own {REDACTED}",
            f"INFO test thread {REDACTED}",
            f"INFO test thread {REDACTED}",
            f"INFO test other {NAME_AND_NUMBER}",
            f"INFO test other {QUESTION}",
        ]
    )


def test_a_thread_without_the_context_hides_every_open_blocks_texts(lines: Lines) -> None:
    def in_a_thread() -> None:
        thread = threading.Thread(target=log, args=("worker: %s", QUESTION))
        thread.start()
        thread.join()

    with handling(QUESTION):
        in_a_thread()
    in_a_thread()
    assert lines.lines == [f"INFO test worker: {REDACTED}", f"INFO test worker: {QUESTION}"]


def test_engine_io_packets_from_clients_never_show_their_data(lines: Lines) -> None:
    packet = '2["user_uttered",{"message":"John Smith 943 476 5919","session_id":"abc"}]'
    logging.getLogger("engineio.server").info(
        "%s: Received packet %s data %s", "sid1", "MESSAGE", packet
    )
    assert lines.lines == [f"INFO engineio.server sid1: Received packet MESSAGE data {PACKET_DATA}"]


def test_a_line_that_cannot_be_checked_is_withheld_and_logging_goes_on(
    lines: Lines, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(line: str) -> str:
        raise RecursionError

    monkeypatch.setattr(log_privacy, "hide", broken)
    with handling(QUESTION):
        log("Parsed %s", QUESTION)
    assert lines.lines == [f"INFO test {log_privacy.WITHHELD}"]


def test_install_is_idempotent(installed: None) -> None:
    factory, showwarning = logging.getLogRecordFactory(), warnings.showwarning
    log_privacy.install()
    assert logging.getLogRecordFactory() is factory
    assert warnings.showwarning is showwarning


def test_hide_without_install_uses_the_same_rules() -> None:
    with handling(QUESTION):
        assert log_privacy.hide(f"text: {QUESTION.lower()} |") == f"text: {REDACTED}? |"
    assert log_privacy.hide(QUESTION) == QUESTION
