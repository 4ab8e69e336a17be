"""The pure parts of bench/side_by_side.py: ratios, the table, the questions (no Rasa started)."""

import math
from datetime import date

import pytest

from assistant.language import default_registry
from bench import side_by_side as sbs
from bench.heldout import HeldOutQuestion, load_heldout

BARE = sbs.BotFigures(training_seconds=100, p50_ms=40, p95_ms=80, throughput=20)
OURS = sbs.BotFigures(training_seconds=150, p50_ms=30, p95_ms=120, throughput=25, failed=2)


def question(text: str, topic: str) -> HeldOutQuestion:
    return HeldOutQuestion(text=text, entry="entry", expect=(), topic=topic)


def test_ratios_are_ours_over_bare():
    result = sbs.compare(BARE, OURS)
    assert result.training_ratio == pytest.approx(1.5)
    assert result.p50_ratio == pytest.approx(0.75)
    assert result.p95_ratio == pytest.approx(1.5)
    assert result.throughput_ratio == pytest.approx(1.25)
    assert (result.bare, result.ours) == (BARE, OURS)


def test_a_ratio_over_nothing_is_not_a_number():
    assert math.isnan(sbs.ratio(3, 0))
    assert sbs.fmt_ratio(sbs.ratio(3, 0)) == "—"
    assert sbs.fmt_ratio(0.854) == "0.85"


def test_figures_take_the_median_and_the_95th_percentile():
    latencies = [float(n) for n in range(1, 101)]
    bot = sbs.figures(12.0, sbs.LoadFigures(latencies, throughput=9.5, failed=1))
    assert (bot.training_seconds, bot.p50_ms, bot.p95_ms) == (12.0, 50.5, 95.0)
    assert (bot.throughput, bot.failed) == (9.5, 1)


def test_figures_need_an_answered_request():
    with pytest.raises(ValueError):
        sbs.figures(1.0, sbs.LoadFigures([], throughput=0.0, failed=5))


def test_the_table_has_a_row_per_measure_with_its_target():
    load = sbs.Load(requests=50, clients=16, messages=5)
    rows = sbs.table_rows(sbs.compare(BARE, OURS), load)
    assert [row[0] for row in rows] == [
        "Training from scratch",
        "REST reply latency p50 (50 sequential requests)",
        "REST reply latency p95 (50 sequential requests)",
        "Throughput, 16 concurrent REST clients x 5 messages",
        "Requests without a 200 reply",
    ]
    assert rows[1] == (rows[1][0], "40 ms", "30 ms", "0.75", "≤ 1.0")
    assert rows[3][1:] == ("20.0 msg/s", "25.0 msg/s", "1.25", "≥ 1.0")
    assert rows[4][1:3] == ("0", "2")


def test_small_latencies_keep_a_decimal():
    assert sbs.fmt_ms(4.26) == "4.3 ms"
    assert sbs.fmt_ms(42.6) == "43 ms"


def test_the_markdown_has_the_header_the_table_and_the_explanation():
    load = sbs.Load()
    text = sbs.render(sbs.compare(BARE, OURS), load, date(2025, 1, 2), 2, "3.6.20")
    lines = text.splitlines()
    assert lines[0].startswith("# ")
    assert "Measured 2025-01-02 on 2 cores, Rasa 3.6.20" in lines[2]
    header = lines.index("| measure | bare rasa init | this assistant | ratio | target |")
    assert lines[header + 1] == "|---|---|---|---|---|"
    rows = lines[header + 2 : header + 2 + 5]
    assert all(row.startswith("| ") and row.count(" | ") == 4 for row in rows)
    assert "p50 ratio target met, throughput ratio target met" in text
    assert "## What the figures mean" in text


def test_targets_not_met_are_said():
    slow = sbs.BotFigures(training_seconds=1, p50_ms=90, p95_ms=90, throughput=5)
    assert sbs.met(sbs.compare(BARE, slow)) == (
        "p50 ratio target not met, throughput ratio target not met"
    )


def test_english_questions_leave_out_the_files_named_after_a_language():
    questions = [question("Who runs it?", "leadership"), question("کون؟", "ur"),
                 question("Kto?", "pl"), question("What is an ICS?", "ics_basics")]  # fmt: skip
    assert sbs.english_questions(questions, default_registry()) == [
        "Who runs it?",
        "What is an ICS?",
    ]


def test_the_real_held_out_questions_have_english_ones_only():
    texts = sbs.english_questions(load_heldout(), default_registry())
    every = load_heldout()
    urdu = {q.text for q in every if q.topic == "ur"}
    assert texts and urdu and not urdu & set(texts)
    assert len(texts) < len(every)


def test_texts_are_cycled_from_a_start():
    assert sbs.cycled(["a", "b", "c"], 5) == ["a", "b", "c", "a", "b"]
    assert sbs.cycled(["a", "b", "c"], 4, start=7) == ["b", "c", "a", "b"]
    with pytest.raises(ValueError):
        sbs.cycled([], 1)


def test_senders_are_issued_by_our_assistant_and_made_up_for_the_bare_bot():
    assert sbs.new_sender(True, 3, 1) is None
    assert sbs.new_sender(False, 3, 1) == "bench-3-1"
    assert sbs.new_sender(False, 3, 1) != sbs.new_sender(False, 4, 1)
