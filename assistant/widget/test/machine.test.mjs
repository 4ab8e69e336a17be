// The connection's state machine: every transition it allows, and nothing else.
import assert from "node:assert/strict";
import { test } from "node:test";

import { ALERTS, STATES, TRANSITIONS, isConfirmed, next } from "../src/machine.js";

const EVENTS = [
  "need", "send", "retry", "restart", "confirmed", "reply", "disconnected",
  "connectTimeout", "replyTimeout", "loadFailed", "refused", "reconnectFailed",
];

// [state, event, facts, expected]: written out by hand, not derived from the table.
const EXPECTED = [
  ["idle", "need", {}, "connecting"],
  ["idle", "send", {}, "connecting"],
  ["idle", "retry", {}, "connecting"],

  ["connecting", "confirmed", {}, "connected"],
  ["connecting", "confirmed", { queued: true }, "waiting"],
  ["connecting", "confirmed", { replyDue: true }, "waiting"],
  ["connecting", "confirmed", { pending: true }, "unanswered"],
  ["connecting", "confirmed", { pending: true, replyDue: true }, "waiting"],
  ["connecting", "disconnected", {}, "reconnecting"],
  ["connecting", "connectTimeout", {}, "failed"],
  ["connecting", "replyTimeout", {}, "failed"],
  ["connecting", "loadFailed", {}, "failed"],
  ["connecting", "refused", {}, "failed"],
  ["connecting", "reconnectFailed", {}, "failed"],

  ["connected", "send", {}, "waiting"],
  ["connected", "confirmed", {}, "connected"],
  ["connected", "disconnected", {}, "reconnecting"],
  ["connected", "restart", {}, "connecting"],

  ["waiting", "reply", {}, "connected"],
  ["waiting", "replyTimeout", {}, "unanswered"],
  ["waiting", "confirmed", { replyDue: true }, "waiting"],
  ["waiting", "disconnected", {}, "reconnecting"],
  ["waiting", "restart", {}, "connecting"],

  ["unanswered", "send", {}, "waiting"],
  ["unanswered", "retry", { pending: true }, "waiting"],
  ["unanswered", "retry", {}, "connected"],
  ["unanswered", "reply", {}, "connected"],
  ["unanswered", "confirmed", { pending: true }, "unanswered"],
  ["unanswered", "disconnected", {}, "reconnecting"],
  ["unanswered", "restart", {}, "connecting"],

  ["reconnecting", "confirmed", {}, "connected"],
  ["reconnecting", "confirmed", { queued: true }, "waiting"],
  ["reconnecting", "confirmed", { replyDue: true }, "waiting"],
  ["reconnecting", "confirmed", { pending: true }, "unanswered"],
  ["reconnecting", "retry", {}, "connecting"],
  ["reconnecting", "restart", {}, "connecting"],
  ["reconnecting", "connectTimeout", {}, "failed"],
  ["reconnecting", "replyTimeout", {}, "failed"],
  ["reconnecting", "refused", {}, "failed"],
  ["reconnecting", "reconnectFailed", {}, "failed"],

  ["failed", "confirmed", {}, "connected"],
  ["failed", "confirmed", { queued: true }, "waiting"],
  ["failed", "confirmed", { pending: true }, "unanswered"],
  ["failed", "retry", {}, "connecting"],
  ["failed", "restart", { started: true }, "connecting"],
  ["failed", "restart", {}, "idle"],
];

for (const [state, event, facts, expected] of EXPECTED) {
  const given = Object.keys(facts).length ? ` (${Object.keys(facts).join(", ")})` : "";
  test(`${state} --${event}${given}--> ${expected}`, () => {
    assert.equal(next(state, event, facts), expected);
  });
}

test("every other event leaves the state as it is", () => {
  const listed = new Set(EXPECTED.map(([state, event]) => `${state} ${event}`));
  const facts = { queued: true, replyDue: true, pending: true, started: true };
  for (const state of STATES) {
    for (const event of EVENTS) {
      if (!listed.has(`${state} ${event}`)) assert.equal(next(state, event, facts), state, `${state} ${event}`);
    }
  }
});

test("the table names only known states and events", () => {
  assert.deepEqual(Object.keys(TRANSITIONS).sort(), [...STATES].sort());
  for (const [state, events] of Object.entries(TRANSITIONS)) {
    for (const [event, target] of Object.entries(events)) {
      assert.ok(EVENTS.includes(event), `${state}: unknown event ${event}`);
      const targets = typeof target === "string" ? [target] : target.map(([, to]) => to);
      for (const to of targets) assert.ok(STATES.includes(to), `${state} ${event}: unknown state ${to}`);
    }
  }
});

test("an alert is shown only when the connection is lost, down, or a reply did not come", () => {
  assert.deepEqual(ALERTS, {
    reconnecting: "connection_lost",
    failed: "server_unavailable",
    unanswered: "no_reply",
  });
});

test("messages go out at once only in the states with a confirmed session", () => {
  assert.deepEqual(STATES.filter(isConfirmed), ["connected", "waiting", "unanswered"]);
});
