/**
 * The conversation: its messages, the message awaiting a reply (what "Try again" sends again),
 * the session id, the language and whether the panel is open. Kept in the tab's sessionStorage
 * (so it survives a reload and a move to another page of the site, and not the closing of the
 * tab), or in memory when the browser refuses storage.
 */

const LANGUAGE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]+)*$/;

/** The window's sessionStorage, or null when it is unavailable (blocked, sandboxed). */
export function openSessionStorage(window, key) {
  try {
    const storage = window.sessionStorage;
    storage.getItem(key);
    return storage;
  } catch (error) {
    return null;
  }
}

/** Quick replies as [{title, payload}], dropping anything malformed; undefined when none. */
export function replies(list) {
  if (!Array.isArray(list)) return undefined;
  const out = list
    .filter((q) => q && (typeof q.title === "string" || typeof q.payload === "string"))
    .map((q) => ({ title: String(q.title || q.payload), payload: String(q.payload || q.title) }));
  return out.length ? out : undefined;
}

/**
 * A bot message (socket.io's bot_uttered) as the widget shows it.
 *
 * Returns `{ shown, text, quickReplies, lang, dir, switchTo }`: `shown` is false for what the
 * widget does not show (images, custom payloads); `switchTo` is the language the interface
 * follows when the resident has not chosen one and the assistant answers in another.
 */
export function readReply(raw, { languages, language, explicit }) {
  const text = typeof raw.text === "string" ? raw.text : "";
  const quickReplies = replies(raw.quick_replies || raw.buttons);
  const meta = raw.metadata && typeof raw.metadata === "object" ? raw.metadata : {};
  const known = Boolean(languages.info(meta.language));
  const switchTo = known && !explicit && meta.language !== language ? meta.language : null;
  const current = switchTo || language;
  const lang = typeof meta.language === "string" && LANGUAGE_TAG.test(meta.language)
    ? meta.language : current;
  const dir = meta.dir === "rtl" || meta.dir === "ltr" ? meta.dir : languages.dir(known ? lang : current);
  // Answered in English (no curated or machine translation): its buttons' titles are English.
  const repliesLang = meta.translation === "english" ? "en" : lang;
  return { shown: Boolean(text || quickReplies), text, quickReplies, lang, dir, switchTo, repliesLang };
}

function emptyState() {
  return { sessionId: null, language: "en", explicit: false, open: false, messages: [], pending: null };
}

/**
 * The store for one assistant server.
 *
 * @param {object} options
 * @param {Storage|null} options.storage Where to keep it (null: in memory only).
 * @param {string} options.key Its key there.
 * @param {(code: string) => boolean} options.isLanguage Whether a language is offered.
 * @param {number} options.maxMessages How many messages to keep (the oldest go first).
 */
export function createStore({ storage, key, isLanguage, maxMessages }) {
  let place = storage;
  let state = emptyState();

  function save() {
    if (!place) return;
    try {
      place.setItem(key, JSON.stringify(state));
    } catch (error) {
      place = null; // full or refused: carry on in memory
    }
  }

  /** Add `message`; true if the oldest message went to make room. */
  function add(message) {
    state.messages.push(message);
    const dropped = state.messages.length > maxMessages;
    if (dropped) state.messages.shift();
    save();
    return dropped;
  }

  return {
    get sessionId() {
      return state.sessionId;
    },
    get language() {
      return state.language;
    },
    get explicit() {
      return state.explicit;
    },
    get open() {
      return state.open;
    },
    get messages() {
      return state.messages;
    },
    /** The resident's last message ({message, metadata}) while it has no reply. */
    get pending() {
      return state.pending;
    },

    save,

    /** Read the stored conversation, dropping anything malformed; true if there was one. */
    restore() {
      let saved = null;
      try {
        saved = place && JSON.parse(place.getItem(key));
      } catch (error) {
        saved = null;
      }
      if (!saved || typeof saved !== "object") return false;
      const restored = emptyState();
      if (typeof saved.sessionId === "string") restored.sessionId = saved.sessionId;
      if (isLanguage(saved.language)) restored.language = saved.language;
      restored.explicit = saved.explicit === true;
      restored.open = saved.open === true;
      restored.messages = (Array.isArray(saved.messages) ? saved.messages : [])
        .filter((m) => m && (m.from === "user" || m.from === "bot") && typeof m.text === "string")
        .slice(-maxMessages)
        .map((m) => ({
          from: m.from,
          text: m.text,
          lang: typeof m.lang === "string" ? m.lang : restored.language,
          dir: m.dir === "rtl" ? "rtl" : "ltr",
          quickReplies: m.from === "bot" ? replies(m.quickReplies) : undefined,
        }));
      const p = saved.pending;
      if (p && typeof p.message === "string") {
        restored.pending = { message: p.message, metadata: p.metadata || {} };
      }
      state = restored;
      return true;
    },

    setSession(id) {
      state.sessionId = id;
      save();
    },

    /** Use `code`; `explicit` when the resident (or the page) chose it. */
    setLanguage(code, explicit) {
      state.language = code;
      if (explicit) state.explicit = true;
      save();
    },

    setOpen(open) {
      if (state.open === open) return;
      state.open = open;
      save();
    },

    /**
     * The resident sends `message` (a text or a button's payload), shown as `shown` in `dir`.
     * Returns `{ shown, item, dropped }`: the message as stored, what goes to the server
     * (pending until a reply comes) and whether the oldest message went to make room.
     */
    send(message, shown, dir) {
      const stored = { from: "user", text: shown, lang: state.language, dir };
      const item = { message, metadata: state.explicit ? { language: state.language } : {} };
      state.pending = item;
      const dropped = add(stored);
      return { shown: stored, item, dropped };
    },

    /** A reply came: nothing is pending. */
    answered() {
      state.pending = null;
      save();
    },

    /** Add a message ({from, text, lang, dir, quickReplies}); true if the oldest message went. */
    add,

    /** Quick replies are offered only after the last message that has them. */
    clearQuickReplies() {
      for (const m of state.messages) delete m.quickReplies;
    },

    /** Start again: no messages, no session; the language and the panel stay as they are. */
    reset() {
      state = { ...emptyState(), language: state.language, explicit: state.explicit, open: state.open };
      save();
    },
  };
}
