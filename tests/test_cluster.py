"""Two real Rasa servers on real PostgreSQL and Redis behind real nginx (issue 13).

Nothing is mocked: the fixture starts the cluster as ``make cluster`` does (on free ports, in a
temporary folder), and each fault is a real one: a Rasa server killed, PostgreSQL restarted,
Redis stopped. ``make test`` installs the Debian packages first (``make cluster-packages``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import socketio
import sqlalchemy as sa

from assistant.cluster import services
from assistant.cluster.cluster import (
    Cluster,
    Ports,
    postgresql_folder,
    remove_cluster,
    start_cluster,
    stop_recorded,
)
from assistant.launcher import free_port
from assistant.messages import message
from assistant.paths import VAR_DIR
from assistant.settings import OPEN_RATE_LIMITS

pytestmark = [pytest.mark.server, pytest.mark.slow]

SUBSIDIARITY = "subsidiarity"
# A conversation's limit (the default is 10 in 10 s): above what any other test sends in one
# conversation, and slow to refill, so that counting on one server or on both tells apart.
CONVERSATION_LIMIT = 12
ENVIRONMENT = {**OPEN_RATE_LIMITS, "BSOL_RATE_PER_CONVERSATION": f"{CONVERSATION_LIMIT}/600"}
POLISH_MORE = "może zainteresuje państwa również"  # the Polish "You might also want to know"


@pytest.fixture(scope="module")
def cluster(trained_model: Path) -> Iterator[Cluster]:
    # In var/, not pytest's temporary folder: PostgreSQL runs as the postgres user, who may not
    # enter root's temporary folders.
    folder = VAR_DIR / "test-cluster"
    shutil.rmtree(folder, ignore_errors=True)
    ports = Ports(
        balancer=free_port(), postgresql=free_port(), redis=free_port(),
        nodes=((free_port(), free_port()), (free_port(), free_port())),
    )  # fmt: skip
    running = start_cluster(
        2, folder=folder, ports=ports, model=trained_model,
        environment=ENVIRONMENT,
    )  # fmt: skip
    try:
        yield running
    finally:
        running.stop()
        services.remove_postgresql_files(postgresql_folder(folder))


def say(url: str, text: str, sender: str | None = None) -> tuple[list[dict], str]:
    """Send one REST message; the replies and the node that answered (X-Served-By)."""
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(
        f"{url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as reply:
        return json.loads(reply.read()), reply.headers.get("X-Served-By", "")


def text_of(messages: list[dict]) -> str:
    return "\n".join(str(m.get("text") or "") for m in messages)


def stored_events(cluster: Cluster, sender: str) -> list[tuple[str, dict]]:
    """The conversation's user and bot events as PostgreSQL holds them, in order."""
    engine = sa.create_engine(cluster.tracker_store_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT type_name, data FROM events WHERE sender_id = :s AND type_name "
                        "IN ('user', 'bot') ORDER BY id"), {"s": sender},
            ).fetchall()  # fmt: skip
    finally:
        engine.dispose()
    return [(row[0], json.loads(row[1])) for row in rows]


def user_texts(cluster: Cluster, sender: str) -> list[str]:
    """The resident's messages of a conversation as PostgreSQL holds them, in order."""
    return [data.get("text") for kind, data in stored_events(cluster, sender) if kind == "user"]


def health(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{url}/webhooks/rest/", timeout=10) as reply:
        return json.loads(reply.read())


def test_conversations_spread_over_both_servers_and_each_is_answered(cluster):
    served = []
    for _ in range(8):
        messages, node = say(cluster.url, "which PCN is Shah Zaman Surgery in?")
        assert "North Birmingham PCN" in text_of(messages)
        served.append(node)
    assert set(served) == {"n1", "n2"}


def test_a_conversation_moves_between_servers_and_keeps_its_topic_and_language(cluster):
    messages, first = say(cluster.url, "po polsku proszę")
    sender = messages[0]["recipient_id"]
    nodes = {first}
    for text in ("what are the four principles", "what does the first one mean?"):
        messages, node = say(cluster.url, text, sender)
        nodes.add(node)
    assert nodes == {"n1", "n2"}  # least_conn on an idle pair alternates
    assert SUBSIDIARITY in text_of(messages).casefold()
    assert POLISH_MORE in text_of(messages).casefold()


def test_socketio_sessions_over_polling_stay_on_the_server_that_opened_them(cluster):
    """Polling makes a request per packet: each must reach the node that issued the session."""

    async def one_session() -> tuple[str, str]:
        client = socketio.AsyncClient()
        confirmed: asyncio.Queue = asyncio.Queue()
        replies: asyncio.Queue = asyncio.Queue()
        client.on("session_confirm", confirmed.put_nowait)
        client.on("bot_uttered", replies.put_nowait)
        await client.connect(cluster.url, socketio_path="/socket.io", transports=["polling"])
        try:
            sid = client.eio.sid
            await client.emit("session_request", {"session_id": None})
            session = await asyncio.wait_for(confirmed.get(), timeout=30)
            session_id = session["session_id"] if isinstance(session, dict) else session
            await client.emit("user_uttered", {"message": "which pcn is shah zaman surgery in",
                                               "session_id": session_id})  # fmt: skip
            reply = await asyncio.wait_for(replies.get(), timeout=60)
            return sid, str(reply.get("text"))
        finally:
            await client.disconnect()

    async def sessions() -> list[tuple[str, str]]:
        return await asyncio.gather(*(one_session() for _ in range(6)))

    results = asyncio.run(sessions())
    assert {sid.split("-", 1)[0] for sid, _ in results} == {"n1", "n2"}
    assert all("North Birmingham PCN" in text for _, text in results)


def test_two_messages_of_one_conversation_at_two_servers_at_once_are_handled_in_order(cluster):
    """Sent straight to each server at the same moment: the Redis lock lets one through first."""
    messages, _ = say(cluster.url, "hello")
    sender = messages[0]["recipient_id"]
    direct = [stack.url for stack in cluster.nodes.values()]
    sent = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for round_number in range(4):
            texts = [f"what is the ICB? ({round_number} a)",
                     f"who chairs the ICS? ({round_number} b)"]  # fmt: skip
            sent += texts
            pairs = zip(direct, texts, strict=True)
            replies = list(pool.map(lambda pair: say(pair[0], pair[1], sender), pairs))
            assert all(reply for reply, _ in replies)
    stored = user_texts(cluster, sender)
    assert sorted(stored) == sorted(["hello", *sent])  # each once: none lost, none doubled
    # One message at a time: each message's replies come before the next message.
    kinds = "".join("u" if kind == "user" else "b" for kind, _ in stored_events(cluster, sender))
    assert "uu" not in kinds, kinds


def test_a_conversations_rate_limit_counts_its_messages_on_both_servers(cluster):
    """Counted in Redis: not once per server, which would let it send twice the limit."""
    messages, _ = say(cluster.url, "hello")  # a new conversation: its id is issued now
    sender = messages[0]["recipient_id"]
    nodes = set()
    for _ in range(CONVERSATION_LIMIT):
        messages, node = say(cluster.url, "what is the ICB?", sender)
        assert "Source:" in text_of(messages)
        nodes.add(node)
    assert nodes == {"n1", "n2"}  # each server saw about half: neither reached the limit alone
    with pytest.raises(urllib.error.HTTPError) as refused:
        say(cluster.url, "what is the ICB?", sender)
    assert refused.value.code == 429
    assert int(refused.value.headers["Retry-After"]) > 0


def test_a_server_killed_mid_conversation_loses_nothing_and_the_other_answers(cluster):
    messages, _ = say(cluster.url, "po polsku proszę")
    sender = messages[0]["recipient_id"]
    say(cluster.url, "what are the four principles", sender)
    victim = cluster.nodes["n1"]
    victim.processes["rasa"].kill()  # no goodbye: the process is gone mid-conversation
    victim.processes["rasa"].wait()
    try:
        asked = ("what does the first one mean?", "tell me more", "who chairs the ICS?")
        answers = [say(cluster.url, text, sender) for text in asked]
        assert {node for _, node in answers} == {"n2"}
        first = text_of(answers[0][0]).casefold()
        assert SUBSIDIARITY in first  # the topic, kept in PostgreSQL, not in n1's memory
        assert "przepraszam" in first or POLISH_MORE in first  # still in Polish
        assert user_texts(cluster, sender) == [
            "/switch_language", "what are the four principles", "what does the first one mean?",
            "tell me more", "who chairs the ICS?",
        ]  # fmt: skip (the edge stores a switch request as its intent)
    finally:
        victim.processes.pop("rasa", None)
        victim.start_server("rasa")
    messages, _ = say(f"{victim.url}", "what is the ICB?", sender)  # back, and it knows
    assert text_of(messages)


def test_postgresql_restarted_replies_resume_and_no_message_is_lost_silently(cluster):
    messages, _ = say(cluster.url, "what is the ICB?")
    sender = messages[0]["recipient_id"]
    database = cluster.shared["postgresql"]
    database.stop()
    try:
        during, _ = say(cluster.url, "who chairs the ICS?", sender)
    finally:
        database.start()
    told = text_of(during)
    # The resident is told: either the reply says the message could not be saved, or the
    # server could not answer at all (the conversation could not be read); never silence.
    assert message("message_not_saved") in told or message("technical_problem") in told, told
    after = [say(cluster.url, text, sender)[0] for text in ("what is the ICS?", "who chairs it?")]
    assert all("Source:" in text_of(reply) for reply in after)
    stored = user_texts(cluster, sender)
    assert stored[0] == "what is the ICB?"
    assert stored[-2:] == ["what is the ICS?", "who chairs it?"]


def test_with_redis_stopped_the_service_says_it_is_degraded_and_recovers(cluster):
    assert health(cluster.url)["status"] == "ok"
    redis = cluster.shared["redis"]
    redis.stop()
    try:
        for node in cluster.nodes.values():  # each server finds out at its next message
            messages, _ = say(node.url, "what is the ICB?")
            assert "Source:" in text_of(messages)  # still answered, on the server's own lock
        for node in cluster.nodes.values():
            assert health(node.url)["degraded"] == ["lock_store", "rate_limits"]
    finally:
        redis.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for node in cluster.nodes.values():
            say(node.url, "what is the ICB?")
        if {health(node.url)["status"] for node in cluster.nodes.values()} == {"ok"}:
            break
        time.sleep(1)
    assert {health(node.url)["status"] for node in cluster.nodes.values()} == {"ok"}


def sleeping(seconds: int) -> subprocess.Popen[bytes]:
    """A process that sleeps, once its command line is its own (no longer its parent's)."""
    process = subprocess.Popen([sys.executable, "-c", f"import time; time.sleep({seconds})"])
    while services.command_of(process.pid) != process.args:
        assert process.poll() is None, "the sleeper exited before it started"
        time.sleep(0.01)
    return process


def test_stop_recorded_stops_exactly_what_the_cluster_started(tmp_path):
    """``make stop-cluster`` reads the state file; a process id reused by another program stays."""
    sleeper, other = sleeping(60), sleeping(61)
    try:
        state = {"url": "", "processes": {
            "n1-rasa": {"pid": sleeper.pid, "command": sleeper.args},
            "balancer": {"pid": other.pid, "command": ["nginx", "-g", "daemon off;"]},
        }}  # fmt: skip
        (tmp_path / "cluster.json").write_text(json.dumps(state))
        assert stop_recorded(tmp_path) == ["n1-rasa"]
        assert sleeper.wait(timeout=10) is not None
        assert other.poll() is None  # its command is not what was recorded: left alone
        assert not (tmp_path / "cluster.json").exists()
    finally:
        for process in (sleeper, other):
            process.kill()
            process.wait()


def test_remove_cluster_stops_it_and_removes_its_files_those_under_tmp_too(tmp_path):
    """``make clean``: PostgreSQL's data goes even when kept under /tmp, outside the checkout."""
    folder = tmp_path / "cluster"
    server = services.postgresql(postgresql_folder(folder), free_port())
    server.start()
    data = Path(server.command[server.command.index("-D") + 1])
    sleeper = sleeping(60)
    try:
        state = {"url": "", "processes": {
            "n1-rasa": {"pid": sleeper.pid, "command": sleeper.args},
            "postgresql": {"pid": server.pid, "command": server.command},
        }}  # fmt: skip
        (folder / "cluster.json").write_text(json.dumps(state))
        assert remove_cluster(folder) == ["n1-rasa", "postgresql"]
        assert sleeper.wait(timeout=10) is not None
        if os.geteuid() == 0:  # PostgreSQL's user cannot enter pytest's folder: data under /tmp
            assert folder not in data.parents
        assert not data.exists() and not folder.exists()
    finally:
        sleeper.kill()
        sleeper.wait()
        server.stop()
