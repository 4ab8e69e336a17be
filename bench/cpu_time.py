"""CPU time from /proc (Linux): what each process of a cluster, and the machine, spent on a load."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.cluster_load import Tally

PROC = Path("/proc")



def _after_name(stat_line: str) -> list[str]:
    """A /proc/<pid>/stat line's fields after the command name (which may hold spaces)."""
    return stat_line[stat_line.rindex(")") + 2 :].split()


def cpu_ticks(stat_line: str) -> int:
    """User plus system CPU time of a process, in clock ticks, from its stat line."""
    fields = _after_name(stat_line)  # fields[0] is the state (field 3 of proc(5))
    return int(fields[11]) + int(fields[12])  # utime (14) + stime (15)


def parent_pid(stat_line: str) -> int:
    """The parent process id, from a stat line."""
    return int(_after_name(stat_line)[1])


def tree_ticks(pid: int, stats: Mapping[int, str], descendants: bool = True) -> int:
    """CPU ticks of process ``pid`` and (unless not ``descendants``) of its live descendants.

    ``stats`` holds every process's stat line by pid; a process not in it counts 0.
    """
    children: dict[int, list[int]] = {}
    for child, line in stats.items():
        if descendants:
            children.setdefault(parent_pid(line), []).append(child)
    total, todo, seen = 0, [pid], set()
    while todo:
        current = todo.pop()
        if current in seen or current not in stats:
            continue
        seen.add(current)
        total += cpu_ticks(stats[current])
        todo += children.get(current, [])
    return total


def machine_ticks(proc_stat: str) -> tuple[int, int]:
    """All cores' busy and total CPU ticks, from /proc/stat ("cpu" line; guest is in user)."""
    values = [int(value) for value in proc_stat.splitlines()[0].split()[1:9]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return sum(values) - idle, sum(values)


def read_stats(proc: Path = PROC) -> dict[int, str]:
    """Every process's stat line, by pid (processes that end meanwhile are left out)."""
    stats = {}
    for entry in proc.iterdir():
        if entry.name.isdigit():
            try:
                stats[int(entry.name)] = (entry / "stat").read_text()
            except OSError:
                continue
    return stats


@dataclass(frozen=True)
class Watched:
    """A process whose CPU time is measured.

    Attributes:
        label: What it is, for the table.
        node: The node it belongs to; empty for one the nodes share.
        pid: Its process id.
        children: Whether its child processes count too (PostgreSQL's backends, nginx's
            workers); not for this process, whose children are the cluster's servers.
    """

    label: str
    node: str
    pid: int
    children: bool = True


@dataclass(frozen=True)
class Snapshot:
    """CPU ticks of each watched process (by label) and of the machine, at one moment."""

    ticks: dict[str, int]
    busy: int
    total: int
    at: float


def snapshot(watched: Sequence[Watched], proc: Path = PROC) -> Snapshot:
    """The CPU ticks used so far by each watched process (with its children) and by the machine."""
    stats = read_stats(proc)
    busy, total = machine_ticks((proc / "stat").read_text())
    ticks = {w.label: tree_ticks(w.pid, stats, w.children) for w in watched}
    return Snapshot(ticks, busy, total, time.perf_counter())


@dataclass(frozen=True)
class Usage:
    """CPU seconds one process used during a load, and the messages it handled there."""

    label: str
    seconds: float
    messages: int

    @property
    def ms_per_message(self) -> float:
        """CPU milliseconds per message it handled."""
        return 1000 * self.seconds / self.messages if self.messages else float("nan")


def usages(
    watched: Sequence[Watched], before: Snapshot, after: Snapshot, tally: Tally, clock: int
) -> list[Usage]:
    """Each process's CPU seconds between two snapshots; a node's processes handled what it
    answered, the shared ones every answered message."""
    answered = sum(tally.served.values())
    return [
        Usage(w.label, (after.ticks[w.label] - before.ticks[w.label]) / clock,
              tally.served[w.node] if w.node else answered)
        for w in watched
    ]  # fmt: skip
