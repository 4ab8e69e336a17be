"""Conversation ids are issued by the server, unguessable, and never shared between channels."""

import hashlib

from assistant.channels.conversation_ids import ConversationIds


def test_an_issued_id_is_recognised_by_every_server_sharing_the_secret():
    first, second = ConversationIds("secret"), ConversationIds("secret")
    issued = first.issue("socketio")
    assert second.is_issued(issued, "socketio")
    assert issued.isprintable() and len(issued) <= 64


def test_ids_are_unique():
    ids = ConversationIds("secret")
    assert len({ids.issue("rest") for _ in range(1000)}) == 1000


def test_an_id_the_server_did_not_issue_is_not_accepted():
    ids = ConversationIds("secret")
    issued = ids.issue("socketio")
    forged = issued[:-1] + ("A" if issued[-1] != "A" else "B")
    for value in ["me", "", forged, issued + "x", "s" + issued[1:].upper(), None, 7, "\ud800"]:
        assert not ids.is_issued(value, "socketio"), value


def test_rest_and_socketio_ids_never_meet():
    ids = ConversationIds("secret")
    assert not ids.is_issued(ids.issue("rest"), "socketio")
    assert not ids.is_issued(ids.issue("socketio"), "rest")


def test_another_secret_does_not_accept_the_id():
    assert not ConversationIds("other").is_issued(ConversationIds("secret").issue("rest"), "rest")


def test_without_a_secret_ids_still_work_within_the_process(caplog):
    ids = ConversationIds("")
    assert ids.is_issued(ids.issue("rest"), "rest")
    assert "BSOL_CONVERSATION_SECRET" in caplog.text


def test_a_pseudonym_is_the_same_on_servers_sharing_the_secret_and_not_a_plain_digest():
    address = "203.0.113.7"
    pseudonym = ConversationIds("secret").pseudonym(address)
    assert ConversationIds("secret").pseudonym(address) == pseudonym
    assert ConversationIds("other").pseudonym(address) != pseudonym
    assert pseudonym != hashlib.sha256(address.encode()).hexdigest()[:32]
