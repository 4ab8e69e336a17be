// The conversation store: what it keeps, what it restores, and how it copes without storage.
import assert from "node:assert/strict";
import { test } from "node:test";

import { languageList } from "../src/settings.js";
import { createStore, openSessionStorage, readReply, replies } from "../src/store.js";

const KEY = "bsol-assistant:https://assistant.example";
const LANGUAGES = languageList([
  { code: "en", name: "English", dir: "ltr" },
  { code: "ur", name: "اردو", dir: "rtl" },
  { code: "pl", name: "Polski", dir: "ltr" },
]);

function memoryStorage(initial = {}) {
  const items = new Map(Object.entries(initial));
  return {
    getItem: (key) => (items.has(key) ? items.get(key) : null),
    setItem: (key, value) => items.set(key, String(value)),
    saved: (key = KEY) => JSON.parse(items.get(key)),
  };
}

function newStore(storage = memoryStorage(), maxMessages = 100) {
  return createStore({ storage, key: KEY, isLanguage: (code) => Boolean(LANGUAGES.info(code)), maxMessages });
}

test("a message sent is kept, pending until a reply, in sessionStorage", () => {
  const storage = memoryStorage();
  const store = newStore(storage);
  const { shown, item, dropped } = store.send("/faq{\"entry\":\"pcn_what_is\"}", "What is a PCN?", "ltr");
  assert.deepEqual(shown, { from: "user", text: "What is a PCN?", lang: "en", dir: "ltr" });
  assert.deepEqual(item, { message: "/faq{\"entry\":\"pcn_what_is\"}", metadata: {} });
  assert.equal(dropped, false);
  assert.equal(store.pending, item);
  assert.deepEqual(storage.saved().pending, item);
  assert.deepEqual(storage.saved().messages, [shown]);
  store.answered();
  assert.equal(store.pending, null);
  assert.equal(storage.saved().pending, null);
});

test("a language the resident chose goes with every message; one followed does not", () => {
  const store = newStore();
  store.setLanguage("ur", false);
  assert.deepEqual(store.send("hello", "hello", "ltr").item.metadata, {});
  store.setLanguage("ur", true);
  assert.deepEqual(store.send("hello", "hello", "ltr").item.metadata, { language: "ur" });
});

test("at most maxMessages are kept: the oldest goes first", () => {
  const store = newStore(memoryStorage(), 3);
  for (const text of ["one", "two", "three"]) assert.equal(store.add({ from: "bot", text, lang: "en", dir: "ltr" }), false);
  assert.equal(store.add({ from: "bot", text: "four", lang: "en", dir: "ltr" }), true);
  assert.deepEqual(store.messages.map((m) => m.text), ["two", "three", "four"]);
});

test("a reload restores the conversation, dropping anything malformed", () => {
  const storage = memoryStorage({
    [KEY]: JSON.stringify({
      sessionId: "s-1",
      language: "ur",
      explicit: true,
      open: true,
      messages: [
        { from: "user", text: "سلام", lang: "ur", dir: "rtl" },
        { from: "bot", text: "Hello", quickReplies: [{ title: "More" }, { nonsense: 1 }] },
        { from: "someone", text: "not ours" },
        { from: "bot", text: 42 },
        null,
      ],
      pending: { message: "tell me more" },
    }),
  });
  const store = newStore(storage);
  assert.equal(store.restore(), true);
  assert.equal(store.sessionId, "s-1");
  assert.equal(store.language, "ur");
  assert.equal(store.explicit, true);
  assert.equal(store.open, true);
  assert.deepEqual(store.messages, [
    { from: "user", text: "سلام", lang: "ur", dir: "rtl", quickReplies: undefined },
    { from: "bot", text: "Hello", lang: "ur", dir: "ltr", quickReplies: [{ title: "More", payload: "More" }] },
  ]);
  assert.deepEqual(store.pending, { message: "tell me more", metadata: {} });
});

test("a stored language no longer offered falls back to English", () => {
  const storage = memoryStorage({ [KEY]: JSON.stringify({ language: "xx", messages: [] }) });
  const store = newStore(storage);
  store.restore();
  assert.equal(store.language, "en");
});

test("nothing stored, or something unreadable, restores nothing", () => {
  assert.equal(newStore().restore(), false);
  assert.equal(newStore(memoryStorage({ [KEY]: "{not json" })).restore(), false);
  assert.equal(newStore(memoryStorage({ [KEY]: "42" })).restore(), false);
});

test("storage that refuses to save leaves the conversation in memory", () => {
  const storage = { getItem: () => null, setItem: () => { throw new Error("QuotaExceededError"); } };
  const store = newStore(storage);
  store.send("hello", "hello", "ltr");
  store.send("again", "again", "ltr");
  assert.deepEqual(store.messages.map((m) => m.text), ["hello", "again"]);
});

test("without storage at all the store works in memory", () => {
  const store = newStore(null);
  store.setSession("s-2");
  assert.equal(store.sessionId, "s-2");
  assert.equal(store.restore(), false);
});

test("sessionStorage that throws on access is not used", () => {
  const blocked = {};
  Object.defineProperty(blocked, "sessionStorage", { get() { throw new Error("SecurityError"); } });
  assert.equal(openSessionStorage(blocked, KEY), null);
  const storage = memoryStorage();
  assert.equal(openSessionStorage({ sessionStorage: storage }, KEY), storage);
});

test("Start again forgets the messages, the session and the pending message, not the language", () => {
  const storage = memoryStorage();
  const store = newStore(storage);
  store.setLanguage("pl", true);
  store.setOpen(true);
  store.setSession("s-3");
  store.send("hello", "hello", "ltr");
  store.reset();
  assert.deepEqual(storage.saved(), {
    sessionId: null, language: "pl", explicit: true, open: true, messages: [], pending: null,
  });
});

test("quick replies are cleared from every stored message", () => {
  const store = newStore();
  store.add({ from: "bot", text: "Choose", lang: "en", dir: "ltr", quickReplies: [{ title: "A", payload: "a" }] });
  store.clearQuickReplies();
  assert.equal(store.messages[0].quickReplies, undefined);
});

test("quick replies keep a title and a payload, each standing for the other when missing", () => {
  assert.deepEqual(replies([{ title: "Yes" }, { payload: "/no" }, { title: 1 }, null]), [
    { title: "Yes", payload: "Yes" },
    { title: "/no", payload: "/no" },
  ]);
  assert.equal(replies([]), undefined);
  assert.equal(replies("nope"), undefined);
});

test("a reply in another language switches the interface unless the resident chose one", () => {
  const raw = { text: "جواب", metadata: { language: "ur", dir: "rtl" } };
  const followed = readReply(raw, { languages: LANGUAGES, language: "en", explicit: false });
  assert.deepEqual(followed, {
    shown: true, text: "جواب", quickReplies: undefined, lang: "ur", dir: "rtl", switchTo: "ur", repliesLang: "ur",
  });
  const chosen = readReply(raw, { languages: LANGUAGES, language: "en", explicit: true });
  assert.equal(chosen.switchTo, null);
});

test("a reply's direction comes from its metadata, else from its language", () => {
  const context = { languages: LANGUAGES, language: "en", explicit: true };
  assert.equal(readReply({ text: "x", metadata: { language: "ur" } }, context).dir, "rtl");
  assert.equal(readReply({ text: "x", metadata: { language: "fr" } }, context).dir, "ltr");
  assert.equal(readReply({ text: "x", metadata: { language: "<script>" } }, context).lang, "en");
  assert.equal(readReply({ text: "x" }, { ...context, language: "ur" }).dir, "rtl");
});

test("the buttons of a reply answered in English are marked English", () => {
  const context = { languages: LANGUAGES, language: "pl", explicit: true };
  const english = readReply({ text: "x", metadata: { language: "pl", translation: "english" } }, context);
  assert.equal(english.repliesLang, "en");
  const curated = readReply({ text: "x", metadata: { language: "pl", translation: "curated" } }, context);
  assert.equal(curated.repliesLang, "pl");
});

test("a reply with neither text nor buttons is not shown; buttons alone are", () => {
  const context = { languages: LANGUAGES, language: "en", explicit: false };
  assert.equal(readReply({ image: "https://example.org/x.png" }, context).shown, false);
  const buttons = readReply({ buttons: [{ title: "A", payload: "/a" }] }, context);
  assert.equal(buttons.shown, true);
  assert.deepEqual(buttons.quickReplies, [{ title: "A", payload: "/a" }]);
});
