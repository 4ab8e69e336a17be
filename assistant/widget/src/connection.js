/**
 * The connection to Rasa's socket.io channel, driven by the state machine in machine.js: it
 * loads the client, asks for the stored session, keeps an outbox of messages until the session
 * is confirmed, and turns socket events and its two timers into the machine's events.
 */

import { isConfirmed, isConnecting, next } from "./machine.js";

/**
 * A connection; nothing happens until `need()` or `send()`.
 *
 * @param {object} options
 * @param {string} options.origin The server's origin.
 * @param {string} options.socketPath socket.io's path on it.
 * @param {number} options.connectMs How long a connection may take before the server counts as down.
 * @param {number} options.replyMs How long a reply may take.
 * @param {() => Promise<Function>} options.loadIo Loads socket.io-client's `io`.
 * @param {(() => Promise<object>) | null} options.checkOrigin Asks the server whether this page's
 *   origin is allowed (`{allowed, reason}`).
 * @param {{set: Function, clear: Function}} options.timers setTimeout and clearTimeout.
 * @param {{id: () => string|null, confirm: (id: string) => void}} options.session The stored session.
 * @param {() => object|null} options.pending The message awaiting a reply, if any (resent by retry).
 * @param {(state: string, typing: boolean) => void} options.onChange Called when the state, or
 *   whether a reply is awaited, changes.
 * @param {(message: object) => void} options.onReply Called with each bot message.
 * @param {{error: Function}} options.log Where to tell the page's developer about a refusal.
 */
export function createConnection(options) {
  const { timers, session, pending, onChange, onReply, log } = options;
  let state = "idle";
  let reported = { state, typing: false };
  let io = null; // our own socket.io-client (window.io is given back to the page)
  let loading = false;
  let socket = null;
  let outbox = []; // messages waiting for a confirmed session: never socket.io's own buffer
  let connectTimer = null;
  let replyTimer = null;
  let origin = null; // what the server said about this page's origin: null, "asking", "allowed", "refused"

  const facts = () => ({
    queued: outbox.length > 0,
    replyDue: replyTimer !== null,
    pending: Boolean(pending()),
    started: Boolean(socket) || loading,
  });

  function dispatch(event) {
    state = next(state, event, facts());
    if (!isConnecting(state)) stopConnectTimer();
    flush();
    report();
  }

  function report() {
    const typing = replyTimer !== null;
    if (state === reported.state && typing === reported.typing) return;
    reported = { state, typing };
    onChange(state, typing);
  }

  // ---- Timers: their time-outs are events -----------------------------------------------------

  function startConnectTimer() {
    if (!isConnecting(state)) return;
    stopConnectTimer();
    connectTimer = timers.set(() => {
      connectTimer = null;
      dispatch("connectTimeout");
    }, options.connectMs);
  }

  function stopConnectTimer() {
    if (connectTimer !== null) timers.clear(connectTimer);
    connectTimer = null;
  }

  function startReplyTimer() {
    stopReplyTimer();
    replyTimer = timers.set(() => {
      replyTimer = null;
      dispatch("replyTimeout");
    }, options.replyMs);
  }

  function stopReplyTimer() {
    if (replyTimer !== null) timers.clear(replyTimer);
    replyTimer = null;
  }

  // ---- The socket -------------------------------------------------------------------------------

  /** Make sure a connection is being made: load the client (once), or connect an idle socket. */
  function link() {
    if (socket) {
      if (!socket.connected && !socket.active) {
        socket.connect();
        startConnectTimer();
      }
      return;
    }
    if (loading) return;
    startConnectTimer();
    if (io) {
      createSocket();
      return;
    }
    loading = true;
    options.loadIo().then(
      (lib) => {
        loading = false;
        io = lib;
        createSocket();
      },
      () => {
        loading = false;
        stopReplyTimer();
        dispatch("loadFailed");
      },
    );
  }

  /** Connect again from scratch (Try again, Start again): a new session_request. */
  function reconnect() {
    if (!socket) {
      link();
      return;
    }
    socket.disconnect();
    socket.connect();
    startConnectTimer();
  }

  function createSocket() {
    socket = io(options.origin, {
      path: options.socketPath,
      reconnection: true,
      reconnectionDelayMax: 10000,
    });
    socket.on("connect", () => {
      socket.emit("session_request", { session_id: session.id() || null });
    });
    socket.on("session_confirm", (data) => {
      const id = typeof data === "string" ? data : data && data.session_id;
      if (id) session.confirm(String(id));
      dispatch("confirmed");
    });
    socket.on("bot_uttered", (message) => {
      if (!message || typeof message !== "object") return;
      stopReplyTimer();
      dispatch("reply");
      onReply(message);
    });
    socket.on("connect_error", onConnectError);
    socket.on("disconnect", (reason) => {
      if (reason === "io client disconnect") return; // our own (Try again, Start again, refused)
      if (reason === "io server disconnect") socket.connect(); // socket.io does not retry this one
      dispatch("disconnected");
      startConnectTimer();
    });
    socket.io.on("reconnect_failed", () => dispatch("reconnectFailed"));
  }

  // A refused origin shows only CORS errors in the console: ask the server why, and say it once.
  function onConnectError() {
    if (origin === "refused") refuse();
    if (origin || !options.checkOrigin) return;
    origin = "asking";
    options.checkOrigin().then(
      (answer) => {
        origin = answer && answer.allowed === false ? "refused" : "allowed";
        if (origin !== "refused") return;
        log.error("BSOL assistant: " + (answer.reason || "this site may not use the assistant."));
        refuse();
      },
      () => {
        origin = null; // not answered (the server is down): ask again on the next error
      },
    );
  }

  function refuse() {
    socket.disconnect(); // retrying cannot help; "Try again" asks once more
    stopReplyTimer();
    dispatch("refused");
  }

  /** Send the outbox once the session is confirmed, and wait for the reply. */
  function flush() {
    if (!isConfirmed(state) || !socket || !socket.connected || !outbox.length) return;
    for (const item of outbox) {
      socket.emit("user_uttered", {
        message: item.message,
        session_id: session.id(),
        metadata: item.metadata,
      });
    }
    outbox = [];
    startReplyTimer();
  }

  return {
    /** The machine's state. */
    get state() {
      return state;
    },

    /** Connect if not connected (the chat was opened, or a stored conversation shown). */
    need() {
      dispatch("need");
      link();
    },

    /** Send `item` ({message, metadata}) now, or as soon as the session is confirmed. */
    send(item) {
      outbox.push(item);
      startReplyTimer();
      dispatch("send");
      link();
    },

    /** Wait for the reply to a message sent before the page was loaded. */
    awaitReply() {
      startReplyTimer();
      report();
    },

    /** Try again: connect afresh if not connected and send the unanswered message again. */
    retry() {
      const from = state;
      dispatch("retry");
      if (state === "connecting" && from !== "connecting") reconnect();
      const item = pending();
      if (item && replyTimer === null) {
        if (!outbox.includes(item)) outbox.push(item);
        startReplyTimer();
      }
      flush();
      report();
    },

    /** Start again: forget what waits and ask for a new session (the store has no id now). */
    restart() {
      outbox = [];
      stopReplyTimer();
      dispatch("restart");
      if (socket) reconnect();
    },
  };
}
