"""The per-message record of storage trouble that the edge reads."""

import asyncio
import contextvars

from assistant.storage import outcome


def in_fresh_context(function):
    return contextvars.Context().run(function)


def test_recording_without_a_begun_record_does_nothing():
    def record_then_look():
        outcome.record_failure(outcome.SAVE)
        return outcome.current()

    assert in_fresh_context(record_then_look) is None


def test_a_failed_save_makes_the_message_failed():
    def scenario():
        record = outcome.begin()
        outcome.record_failure(outcome.SAVE)
        return record

    record = in_fresh_context(scenario)
    assert record.failed
    assert record.failures == [outcome.SAVE]


def test_a_failed_read_alone_is_listed_but_the_message_is_not_failed():
    def scenario():
        record = outcome.begin()
        outcome.record_failure(outcome.RETRIEVE)
        return record

    record = in_fresh_context(scenario)
    assert not record.failed
    assert record.failures == [outcome.RETRIEVE]


def test_each_message_begins_with_a_clean_record():
    def scenario():
        first = outcome.begin()
        outcome.record_failure(outcome.SAVE)
        second = outcome.begin()
        return first, second

    first, second = in_fresh_context(scenario)
    assert first.failed
    assert not second.failed
    assert second.failures == []


def test_concurrent_messages_do_not_see_each_others_failures():
    async def message(fails: bool) -> outcome.Outcome:
        record = outcome.begin()
        await asyncio.sleep(0.01)  # let the other message run in between
        if fails:
            outcome.record_failure(outcome.SAVE)
        await asyncio.sleep(0.01)
        return record

    async def both():
        return await asyncio.gather(message(True), message(False))

    failing, fine = asyncio.run(both())
    assert failing.failed
    assert not fine.failed


def test_a_task_started_while_handling_the_message_records_into_its_outcome():
    async def scenario():
        record = outcome.begin()
        await asyncio.create_task(_record_save_failure())
        return record

    assert asyncio.run(scenario()).failed


async def _record_save_failure() -> None:
    outcome.record_failure(outcome.SAVE)
