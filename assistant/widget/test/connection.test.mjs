// The connection, with a fake socket.io and fake timers: what it sends, when, and what it reports.
import assert from "node:assert/strict";
import { test } from "node:test";

import { createConnection } from "../src/connection.js";

const CONNECT_MS = 10000;
const REPLY_MS = 20000;
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A socket.io client socket, driven by the test as the server would drive it. */
class FakeSocket {
  constructor(url, options) {
    this.url = url;
    this.options = options;
    this.handlers = {};
    this.managerHandlers = {};
    this.io = { on: (event, handler) => (this.managerHandlers[event] = handler) };
    this.connected = false;
    this.active = true; // socket.io connects (and retries) by itself once created
    this.emitted = [];
    this.connects = 0;
  }

  on(event, handler) {
    this.handlers[event] = handler;
  }

  emit(event, data) {
    this.emitted.push([event, data]);
  }

  connect() {
    this.connects += 1;
    this.active = true;
  }

  disconnect() {
    const was = this.connected;
    this.connected = false;
    this.active = false;
    if (was) this.handlers.disconnect("io client disconnect");
  }

  // The server's side
  open() {
    this.connected = true;
    this.handlers.connect();
  }

  confirm(id = "session-1") {
    this.handlers.session_confirm({ session_id: id });
  }

  drop(reason = "transport close") {
    this.connected = false;
    this.handlers.disconnect(reason);
  }

  refuse() {
    this.handlers.connect_error(new Error("xhr poll error"));
  }

  reply(message = { text: "Hello" }) {
    this.handlers.bot_uttered(message);
  }

  sent(event) {
    return this.emitted.filter(([name]) => name === event).map(([, data]) => data);
  }
}

function fakeTimers() {
  let last = 0;
  const waiting = new Map();
  return {
    set(callback, ms) {
      last += 1;
      waiting.set(last, { callback, ms });
      return last;
    },
    clear(id) {
      waiting.delete(id);
    },
    /** Run out every timer of `ms`. */
    expire(ms) {
      for (const [id, timer] of [...waiting]) {
        if (timer.ms !== ms) continue;
        waiting.delete(id);
        timer.callback();
      }
    },
    running(ms) {
      return [...waiting.values()].filter((timer) => timer.ms === ms).length;
    },
  };
}

function setUp({ load = "ok", originAnswer = null, sessionId = null } = {}) {
  const sockets = [];
  const timers = fakeTimers();
  const changes = [];
  const replies = [];
  const errors = [];
  const world = { sessionId, pending: null, loads: 0 };
  const io = (url, options) => {
    const socket = new FakeSocket(url, options);
    sockets.push(socket);
    return socket;
  };
  const connection = createConnection({
    origin: "https://assistant.example",
    socketPath: "/socket.io",
    connectMs: CONNECT_MS,
    replyMs: REPLY_MS,
    loadIo: () => {
      world.loads += 1;
      return load === "ok" ? Promise.resolve(io) : Promise.reject(new Error("did not load"));
    },
    checkOrigin: originAnswer ? () => Promise.resolve(originAnswer) : null,
    timers,
    session: { id: () => world.sessionId, confirm: (id) => (world.sessionId = id) },
    pending: () => world.pending,
    onChange: (state, typing) => changes.push({ state, typing }),
    onReply: (message) => replies.push(message),
    log: { error: (message) => errors.push(message) },
  });
  const send = (text) => {
    world.pending = { message: text, metadata: {} };
    connection.send(world.pending);
  };
  const last = () => changes[changes.length - 1];
  return { connection, sockets, timers, changes, replies, errors, world, send, last, socket: () => sockets[sockets.length - 1] };
}

async function connected(options) {
  const t = setUp(options);
  t.connection.need();
  await settle();
  t.socket().open();
  t.socket().confirm();
  return t;
}

test("nothing is loaded or connected until the chat needs it", () => {
  const t = setUp();
  assert.equal(t.connection.state, "idle");
  assert.equal(t.world.loads, 0);
  assert.equal(t.timers.running(CONNECT_MS), 0);
});

test("need loads the client once and asks the server for the stored session", async () => {
  const t = setUp({ sessionId: "stored" });
  t.connection.need();
  t.connection.need();
  assert.equal(t.connection.state, "connecting");
  await settle();
  assert.equal(t.world.loads, 1);
  assert.equal(t.sockets.length, 1);
  assert.equal(t.socket().url, "https://assistant.example");
  assert.equal(t.socket().options.path, "/socket.io");
  t.socket().open();
  assert.deepEqual(t.socket().sent("session_request"), [{ session_id: "stored" }]);
});

test("session_confirm connects, keeps the session id and stops the connect timer", async () => {
  const t = await connected();
  assert.equal(t.connection.state, "connected");
  assert.equal(t.world.sessionId, "session-1");
  assert.equal(t.timers.running(CONNECT_MS), 0);
  assert.deepEqual(t.last(), { state: "connected", typing: false });
});

test("a message sent before the session is confirmed waits, then goes with the session id", async () => {
  const t = setUp();
  t.send("What is the ICB?");
  assert.equal(t.connection.state, "connecting");
  assert.equal(t.last().typing, true);
  await settle();
  t.socket().open();
  assert.deepEqual(t.socket().sent("user_uttered"), []);
  t.socket().confirm("s-9");
  assert.deepEqual(t.socket().sent("user_uttered"), [
    { message: "What is the ICB?", session_id: "s-9", metadata: {} },
  ]);
  assert.equal(t.connection.state, "waiting");
});

test("a reply ends the wait and is handed on", async () => {
  const t = await connected();
  t.send("What is a PCN?");
  assert.deepEqual(t.last(), { state: "waiting", typing: true });
  t.socket().reply({ text: "A PCN is..." });
  assert.deepEqual(t.last(), { state: "connected", typing: false });
  assert.deepEqual(t.replies, [{ text: "A PCN is..." }]);
  assert.equal(t.timers.running(REPLY_MS), 0);
});

test("anything but an object from the server is ignored", async () => {
  const t = await connected();
  t.send("hello");
  t.socket().reply("not a message");
  assert.equal(t.connection.state, "waiting");
  assert.deepEqual(t.replies, []);
});

test("no connection in time: the server is unavailable, until it answers after all", async () => {
  const t = setUp();
  t.connection.need();
  await settle();
  t.timers.expire(CONNECT_MS);
  assert.equal(t.connection.state, "failed");
  t.socket().open();
  t.socket().confirm();
  assert.equal(t.connection.state, "connected");
});

test("no reply in time: unanswered, and Try again sends the message again", async () => {
  const t = await connected();
  t.send("Who chairs the ICS?");
  t.timers.expire(REPLY_MS);
  assert.deepEqual(t.last(), { state: "unanswered", typing: false });
  t.connection.retry();
  assert.deepEqual(t.last(), { state: "waiting", typing: true });
  assert.equal(t.socket().sent("user_uttered").length, 2);
  assert.equal(t.socket().sent("user_uttered")[1].message, "Who chairs the ICS?");
});

test("a dropped connection reconnects, and what was sent meanwhile goes once it is back", async () => {
  const t = await connected();
  t.socket().drop();
  assert.equal(t.connection.state, "reconnecting");
  assert.equal(t.timers.running(CONNECT_MS), 1);
  t.send("tell me more");
  assert.deepEqual(t.socket().sent("user_uttered"), []);
  t.socket().open(); // socket.io reconnected by itself
  assert.deepEqual(t.socket().sent("session_request"), [{ session_id: null }, { session_id: "session-1" }]);
  t.socket().confirm("session-1");
  assert.equal(t.connection.state, "waiting");
  assert.equal(t.socket().sent("user_uttered")[0].message, "tell me more");
});

test("a reply still awaited across a reconnect is waited for, not sent twice", async () => {
  const t = await connected();
  t.send("What is the ICB?");
  t.socket().drop();
  t.socket().open();
  t.socket().confirm();
  assert.equal(t.connection.state, "waiting");
  assert.equal(t.socket().sent("user_uttered").length, 1);
});

test("a reply that timed out while disconnected needs Try again once reconnected", async () => {
  const t = await connected();
  t.send("What is the ICB?");
  t.socket().drop();
  t.timers.expire(REPLY_MS);
  assert.equal(t.connection.state, "failed");
  t.socket().open();
  t.socket().confirm();
  assert.equal(t.connection.state, "unanswered");
});

test("disconnected by the server: connect again (socket.io does not)", async () => {
  const t = await connected();
  const before = t.socket().connects;
  t.socket().drop("io server disconnect");
  assert.equal(t.socket().connects, before + 1);
  assert.equal(t.connection.state, "reconnecting");
});

test("reconnecting too long, or socket.io giving up, is a failure", async () => {
  const slow = await connected();
  slow.socket().drop();
  slow.timers.expire(CONNECT_MS);
  assert.equal(slow.connection.state, "failed");
  const given = await connected();
  given.socket().drop();
  given.socket().managerHandlers.reconnect_failed();
  assert.equal(given.connection.state, "failed");
});

test("Try again while reconnecting connects afresh", async () => {
  const t = await connected();
  t.socket().drop();
  const before = t.socket().connects;
  t.connection.retry();
  assert.equal(t.connection.state, "connecting");
  assert.equal(t.socket().connects, before + 1);
});

test("a client that does not load is a failure; Try again loads it again", async () => {
  const t = setUp({ load: "fails" });
  t.send("hello");
  await settle();
  assert.deepEqual(t.last(), { state: "failed", typing: false });
  t.connection.retry();
  assert.equal(t.connection.state, "connecting");
  assert.equal(t.last().typing, true);
  await settle();
  assert.equal(t.world.loads, 2);
});

test("a refused origin stops retrying, is told once, and Try again asks once more", async () => {
  const answer = { allowed: false, reason: "This site is not in the allow-list." };
  const t = setUp({ originAnswer: answer });
  t.connection.need();
  await settle();
  t.socket().refuse();
  await settle();
  assert.equal(t.connection.state, "failed");
  assert.equal(t.socket().active, false);
  assert.deepEqual(t.errors, ["BSOL assistant: This site is not in the allow-list."]);
  t.connection.retry();
  assert.equal(t.connection.state, "connecting");
  assert.equal(t.socket().active, true);
  t.socket().refuse();
  assert.equal(t.connection.state, "failed");
  assert.equal(t.errors.length, 1);
});

test("Start again forgets what waits and asks for a new session", async () => {
  const t = await connected();
  t.send("first");
  t.world.sessionId = null; // the store forgot the session
  t.world.pending = null;
  t.connection.restart();
  assert.deepEqual(t.last(), { state: "connecting", typing: false });
  t.socket().open();
  assert.deepEqual(t.socket().sent("session_request").at(-1), { session_id: null });
  t.socket().confirm("session-2");
  assert.equal(t.connection.state, "connected");
  assert.equal(t.socket().sent("user_uttered").length, 1);
});

test("a message sent before a reload is waited for after it", async () => {
  const t = setUp({ sessionId: "stored" });
  t.world.pending = { message: "What is the ICB?", metadata: {} };
  t.connection.awaitReply();
  assert.equal(t.last().typing, true);
  t.connection.need();
  await settle();
  t.socket().open();
  t.socket().confirm("stored");
  assert.equal(t.connection.state, "waiting");
  assert.deepEqual(t.socket().sent("user_uttered"), []);
  t.timers.expire(REPLY_MS);
  assert.equal(t.connection.state, "unanswered");
});
