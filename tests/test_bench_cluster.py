"""The pure parts of make bench-cluster (bench/cluster.py, loads.py, cpu.py).

No cluster is started: the /proc figures are read from stat lines written here.
"""

import math
from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from assistant.directory.models import Pcn, Practice
from assistant.directory.store import read_pcns, read_practices
from bench import cluster
from bench import cluster_load as loads
from bench import cpu_time as cpu

SHAH_ZAMAN = loads.Question("which PCN is Shah Zaman Surgery in?",
                            "B35 7QX) is in North Birmingham PCN")  # fmt: skip
PARK = loads.Question("which PCN is The Park Medical Centre in?", "B10 0JL) is in Small Heath PCN")
ANSWERS = frozenset({SHAH_ZAMAN.answer, PARK.answer})
LOAD = loads.Load(sessions=4, messages=2, rest_clients=2, rest_messages=3)


def practice(code: str, name: str, postcode: str, pcn_code: str) -> Practice:
    return Practice(code, name, name.upper(), "1 High Street", "Birmingham", postcode,
                    "0121 000 0000", pcn_code, "North", False, 52.5, -1.8)  # fmt: skip


def pcn(code: str, name: str) -> Pcn:
    return Pcn(code, name, name.upper(), "", "", "", 1)


def stat_line(pid: int, name: str, parent: int, utime: int, stime: int) -> str:
    """A /proc/<pid>/stat line as Linux writes it (fields 3 to 17 of 52 are enough here)."""
    return f"{pid} ({name}) S {parent} {pid} {pid} 0 -1 4194304 99 0 0 0 {utime} {stime} 0 0 20\n"


def test_each_practice_is_asked_which_pcn_it_is_in_with_its_postcode_and_pcn_as_answer():
    questions = loads.practice_questions(read_practices(), read_pcns())
    assert SHAH_ZAMAN in questions and PARK in questions
    assert len({q.answer for q in questions}) == len({q.text for q in questions}) == len(questions)
    assert len(questions) > 100


def test_practices_whose_replies_could_not_be_told_apart_are_left_out():
    practices = [
        practice("A1", "Oak Surgery", "B1 1AA", "U1"),
        practice("A2", "Elm Surgery", "B1 1AA", "U1"),  # same building, same PCN
        practice("A3", "Ash Surgery", "B2 2BB", "U1"),
        practice("A4", "ash surgery", "B3 3CC", "U2"),  # the same name, typed alike
        practice("A5", "Yew Surgery", "B4 4DD", "U2"),
        practice("A6", "Fir Surgery", "B5 5EE", "U9"),  # a PCN the directory does not hold
    ]
    questions = loads.practice_questions(practices, [pcn("U1", "One PCN"), pcn("U2", "Two PCN")])
    assert questions == [loads.Question("which PCN is Yew Surgery in?", "B4 4DD) is in Two PCN")]


def test_a_reply_belongs_to_its_question_only_with_its_own_answer_and_no_other():
    right = "Shah Zaman Surgery (70 Tangmere Drive, B35 7QX) is in North Birmingham PCN."
    other = "The Park Medical Centre (691 Coventry Road, B10 0JL) is in Small Heath PCN."
    assert loads.is_its_reply(SHAH_ZAMAN, right, ANSWERS)
    assert not loads.is_its_reply(SHAH_ZAMAN, other, ANSWERS)
    assert not loads.is_its_reply(SHAH_ZAMAN, f"{right}\n{other}", ANSWERS)
    assert not loads.is_its_reply(SHAH_ZAMAN, "", ANSWERS)


def test_an_answer_inside_the_questions_own_is_not_taken_for_another():
    short = loads.Question("which PCN is Oak in?", "B1 1AA) is in Central PCN")
    longer = loads.Question("which PCN is Big Oak in?", "XB1 1AA) is in Central PCN")
    answers = frozenset({short.answer, longer.answer})
    assert loads.is_its_reply(longer, "Big Oak (XB1 1AA) is in Central PCN.", answers)


def test_each_client_asks_different_questions_and_the_next_client_goes_on_from_there():
    questions = [loads.Question(f"q{n}", f"a{n}") for n in range(5)]
    plans = loads.plans(questions, clients=3, messages=2)
    assert [[q.text for q in plan] for plan in plans] == [["q0", "q1"], ["q2", "q3"], ["q4", "q0"]]


def test_plans_need_as_many_questions_as_a_client_sends():
    with pytest.raises(ValueError):
        loads.plans([SHAH_ZAMAN], clients=2, messages=2)


def test_a_socketio_session_id_names_its_node():
    assert loads.node_of_session("n2-AbC_d-ef") == "n2"
    assert loads.node_of_session("AbCdef") == ""


def test_the_tally_counts_answers_by_node_cross_talk_and_losses():
    tally = loads.Tally(ANSWERS, messages=5)
    tally.answered(SHAH_ZAMAN, ["Shah Zaman (B35 7QX) is in North Birmingham PCN."], 0.2, "n1")
    tally.answered(PARK, ["Small Heath PCN", "Shah Zaman (B35 7QX) is in North Birmingham PCN."],
                   0.4, "n2")  # fmt: skip
    tally.answered(PARK, ["Park (B10 0JL) is in Small Heath PCN.", "Source: NHS England"],
                   0.3, "n2")  # fmt: skip
    tally.failed(2, TimeoutError())
    assert (tally.crossed, tally.lost) == (1, 2)
    assert tally.served == Counter({"n1": 1, "n2": 2})
    assert tally.first_reply == [0.2, 0.4, 0.3]
    assert tally.failures == ["TimeoutError"]


def test_messages_a_second_are_all_the_messages_over_the_wall_time():
    tally = loads.Tally(ANSWERS, messages=100, seconds=8.0)
    assert tally.rate == pytest.approx(12.5)
    assert loads.Tally(ANSWERS, messages=3).rate == 0.0


def test_cpu_time_is_user_plus_system_even_when_the_command_name_has_spaces_and_brackets():
    line = stat_line(42, "rasa (worker) 1", parent=7, utime=250, stime=30)
    assert cpu.cpu_ticks(line) == 280
    assert cpu.parent_pid(line) == 7


def test_a_process_tree_counts_its_descendants_and_nothing_else():
    stats = {
        10: stat_line(10, "postgres", 1, 100, 10),
        11: stat_line(11, "postgres", 10, 20, 5),
        12: stat_line(12, "postgres", 11, 3, 1),
        20: stat_line(20, "redis-server", 1, 50, 50),
    }
    assert cpu.tree_ticks(10, stats) == 139
    assert cpu.tree_ticks(10, stats, descendants=False) == 110
    assert cpu.tree_ticks(99, stats) == 0  # gone


def test_the_machines_busy_time_leaves_out_idle_and_iowait_and_counts_guest_once():
    proc_stat = "cpu  100 10 50 800 40 0 5 5 30 0\ncpu0 50 5 25 400 20 0 2 3 15 0\n"
    assert cpu.machine_ticks(proc_stat) == (170, 1010)


def test_a_snapshot_reads_each_watched_process_and_the_machine_from_proc(tmp_path: Path):
    for pid, line in {5: stat_line(5, "rasa", 1, 40, 2), 6: stat_line(6, "python", 5, 7, 1),
                      9: stat_line(9, "nginx", 1, 3, 3)}.items():  # fmt: skip
        (tmp_path / str(pid)).mkdir()
        (tmp_path / str(pid) / "stat").write_text(line)
    (tmp_path / "self").mkdir()
    (tmp_path / "stat").write_text("cpu  10 0 10 80 0 0 0 0 0 0\n")
    watched = [cpu.Watched("n1 Rasa server", "n1", 5), cpu.Watched("nginx", "", 9),
               cpu.Watched(cluster.CLIENTS, "", 5, children=False)]  # fmt: skip
    taken = cpu.snapshot(watched, tmp_path)
    assert taken.ticks == {"n1 Rasa server": 50, "nginx": 6, cluster.CLIENTS: 42}
    assert (taken.busy, taken.total) == (20, 100)


def test_a_nodes_processes_are_divided_by_its_messages_and_shared_ones_by_all():
    watched = [cpu.Watched("n1 Rasa server", "n1", 5), cpu.Watched("PostgreSQL", "", 9)]
    before = cpu.Snapshot({"n1 Rasa server": 100, "PostgreSQL": 10}, 0, 0, 0.0)
    after = cpu.Snapshot({"n1 Rasa server": 400, "PostgreSQL": 30}, 0, 0, 1.0)
    tally = loads.Tally(ANSWERS, served=Counter({"n1": 30, "n2": 10}))
    used = cpu.usages(watched, before, after, tally, clock=100)
    assert used == [cpu.Usage("n1 Rasa server", 3.0, 30), cpu.Usage("PostgreSQL", 0.2, 40)]
    assert used[0].ms_per_message == pytest.approx(100.0)
    assert math.isnan(cpu.Usage("n2 Rasa server", 1.0, 0).ms_per_message)


def measured(load: str, servers: int, rate: float, busy: float = 0.98) -> cluster.Measured:
    served = Counter({f"n{n + 1}": 100 // servers for n in range(servers)})
    tally = loads.Tally(ANSWERS, messages=100, seconds=100 / rate, lost=1, crossed=0,
                        first_reply=[n / 100 for n in range(1, 101)], served=served)  # fmt: skip
    usage = [cpu.Usage(f"n{n + 1} Rasa server", 5.0, 100 // servers) for n in range(servers)]
    usage += [cpu.Usage("PostgreSQL", 1.0, 100), cpu.Usage(cluster.CLIENTS, 2.0, 100)]
    return cluster.Measured(load, servers, tally, usage, busy, 0.8, tally.seconds)


RUNS = [measured("socket.io", 1, 10.0), measured("REST", 1, 20.0),
        measured("socket.io", 2, 19.0), measured("REST", 2, 30.0)]  # fmt: skip


def test_the_ratio_is_two_servers_messages_a_second_over_one_servers():
    assert cluster.ratio(RUNS, "socket.io") == pytest.approx(1.9)
    assert cluster.ratio(RUNS, "REST") == pytest.approx(1.5)
    assert math.isnan(cluster.ratio(RUNS[:2], "REST"))


def test_server_side_cpu_per_message_leaves_out_the_load_clients():
    assert cluster.server_ms_per_message(RUNS[2]) == pytest.approx(110.0)  # (5 + 5 + 1) s / 100


def test_the_report_has_the_date_cores_commit_a_row_per_run_and_the_ratios():
    text = cluster.render(RUNS, LOAD, date(2026, 12, 1), 2, "abc1234", 1.2)
    assert "2026-12-01 on 2 cores (load average 1.20 when it started), commit abc1234" in text
    assert ("| socket.io, 4 sessions × 2 messages | 1 | 10.0 | 500 ms | 950 ms | 1 of 100 | 0 "
            "| n1 100 |") in text  # fmt: skip
    assert "| REST, 2 clients × 3 messages | 2 | 30.0 | 500 ms | 950 ms | 1 of 100 | 0 " in text
    assert "| socket.io, 4 sessions × 2 messages: 2 servers / 1 | | 1.90× (target ≥ 1.8×, met)" in (
        text
    )
    assert "| REST, 2 clients × 3 messages: 2 servers / 1 | | 1.50× (target ≥ 1.8×, not met)" in (
        text
    )
    assert "| REST, 2 clients × 3 messages | 2 | n2 Rasa server | 5.0 | 50 | 100.0 |" in text
    assert "| REST, 2 clients × 3 messages | 2 | all server-side processes | | | 110.0" in text


def test_the_report_says_the_cores_limit_the_ratio_when_they_were_full_and_what_one_core_does():
    text = cluster.render(RUNS, LOAD, date(2026, 12, 1), 2, "abc1234", 1.2)
    assert "The 2 cores are what limits it" in text
    assert ("socket.io, 4 sessions × 2 messages, 1.90×: with 1 server its Rasa server used 0.5 of "
            "the 2 cores; with 2 the Rasa servers used 1.9") in text  # fmt: skip
    assert "other work on the machine 0.4 (the cores 98% busy)" in text
    assert "110 ms, so about 9 messages a second per core" in text


def test_the_report_says_when_the_cores_were_not_full():
    runs = [*RUNS[:2], replace(RUNS[2], busy=0.5), RUNS[3]]
    text = cluster.render(runs, LOAD, date(2026, 12, 1), 2, "abc1234", 1.2)
    assert "The 2 cores were not fully busy" in text
