/**
 * The connection's state machine, written down as data: its states, the events each state
 * answers and where each one leads. An event a state does not list leaves it where it is.
 *
 *   idle ──need, send──▶ connecting ──confirmed──▶ connected
 *   connected ──send──▶ waiting ──reply──▶ connected
 *   waiting ──replyTimeout──▶ unanswered ──retry, send──▶ waiting
 *   connected, waiting, unanswered ──disconnected──▶ reconnecting ──confirmed──▶ (as after connecting)
 *   connecting, reconnecting ──a time-out, refused, …──▶ failed ──retry──▶ connecting
 *
 * States:
 * - idle: no connection yet (nothing loaded until the resident opens the chat or has a conversation).
 * - connecting: loading the socket.io client, connecting or waiting for the session; the
 *   connect timer runs. Messages sent now wait in the outbox.
 * - connected: the session is confirmed and nothing is awaited.
 * - waiting: messages went out; the reply timer runs.
 * - unanswered: connected, but no reply came in time ("No reply came", Try again).
 * - reconnecting: the connection dropped; socket.io retries and the connect timer runs
 *   ("Connection lost").
 * - failed: the server cannot be reached: a time-out, the client did not load, this site's
 *   origin is refused, socket.io gave up ("not available", Try again). socket.io may still get
 *   through by itself; the session is then confirmed as usual.
 *
 * Events: need (the chat is opened, or a stored conversation is shown), send, retry (Try again),
 * restart (Start again), confirmed (session_confirm), reply (bot_uttered), disconnected,
 * connectTimeout, replyTimeout, loadFailed, refused, reconnectFailed.
 *
 * A target is a state, or rules `[fact, state]` tried in order: the first whose fact holds wins
 * (ALWAYS holds always). The facts: queued (messages wait in the outbox), replyDue (the reply
 * timer runs), pending (the store has a message without a reply), started (a connection exists
 * or is being made).
 */

export const ALWAYS = "always";

export const STATES = [
  "idle", "connecting", "connected", "waiting", "unanswered", "reconnecting", "failed",
];

/** The alert (an interface text key, with "Try again") each state shows; none for the others. */
export const ALERTS = {
  reconnecting: "connection_lost",
  failed: "server_unavailable",
  unanswered: "no_reply",
};

// The session is confirmed: queued messages go out; a reply may still come to one sent before;
// a message that never got one needs "Try again".
const CONFIRMED = [
  ["queued", "waiting"],
  ["replyDue", "waiting"],
  ["pending", "unanswered"],
  [ALWAYS, "connected"],
];
const DOWN = "failed";

export const TRANSITIONS = {
  idle: {
    need: "connecting",
    send: "connecting",
    retry: "connecting",
  },
  connecting: {
    confirmed: CONFIRMED,
    disconnected: "reconnecting",
    connectTimeout: DOWN,
    replyTimeout: DOWN,
    loadFailed: DOWN,
    refused: DOWN,
    reconnectFailed: DOWN,
  },
  connected: {
    send: "waiting",
    confirmed: CONFIRMED,
    disconnected: "reconnecting",
    restart: "connecting",
  },
  waiting: {
    reply: "connected",
    replyTimeout: "unanswered",
    confirmed: CONFIRMED,
    disconnected: "reconnecting",
    restart: "connecting",
  },
  unanswered: {
    send: "waiting",
    retry: [["pending", "waiting"], [ALWAYS, "connected"]],
    reply: "connected",
    confirmed: CONFIRMED,
    disconnected: "reconnecting",
    restart: "connecting",
  },
  reconnecting: {
    confirmed: CONFIRMED,
    retry: "connecting",
    restart: "connecting",
    connectTimeout: DOWN,
    replyTimeout: DOWN,
    refused: DOWN,
    reconnectFailed: DOWN,
  },
  failed: {
    confirmed: CONFIRMED,
    retry: "connecting",
    restart: [["started", "connecting"], [ALWAYS, "idle"]],
  },
};

/** The state after `event` in `state`, given `facts` (see above). */
export function next(state, event, facts = {}) {
  const target = (TRANSITIONS[state] || {})[event];
  if (target === undefined) return state;
  if (typeof target === "string") return target;
  const rule = target.find(([fact]) => fact === ALWAYS || facts[fact]);
  return rule ? rule[1] : state;
}

/** Whether the session is confirmed in `state` (messages can go out at once). */
export function isConfirmed(state) {
  return state === "connected" || state === "waiting" || state === "unanswered";
}

/** Whether a connection attempt is under way in `state` (the connect timer runs). */
export function isConnecting(state) {
  return state === "connecting" || state === "reconnecting";
}
