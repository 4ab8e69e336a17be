/**
 * Wires the widget together: the settings, the conversation store, the view and the
 * connection, each given what it needs; and the page's API, window.BSOLAssistant.
 */

import { createConnection } from "./connection.js";
import { ALERTS } from "./machine.js";
import { createTexts, languageList, readSettings } from "./settings.js";
import { loadSocketIo } from "./socketio.js";
import { createStore, openSessionStorage, readReply, replies } from "./store.js";
import { countChars, cutChars, limitText, textDir } from "./text.js";
import { createView } from "./view.js";

const FLAG = Symbol.for("bsol-assistant");

/**
 * Start the widget on the page of `window`.
 *
 * @param {object|null} injected The settings the server wrote into widget.js.
 * @param {HTMLScriptElement|null} script The widget's own <script> (document.currentScript).
 * @param {Window} window The page's window.
 */
export function startWidget(injected, script, window) {
  const { document, console } = window;
  if (!injected) {
    console.error("BSOL assistant: no settings. Load widget.js from the assistant server.");
    return;
  }
  if (window[FLAG]) return; // the tag was pasted twice
  window[FLAG] = true;

  const tag = script || document.querySelector('script[src*="widget.js"]');
  const settings = readSettings(injected, tag, window.location);
  const languages = languageList(settings.languages);
  const store = createStore({
    storage: openSessionStorage(window, settings.storeKey),
    key: settings.storeKey,
    isLanguage: (code) => Boolean(languages.info(code)),
    maxMessages: settings.maxMessages,
  });
  const texts = createTexts(settings.strings, () => store.language);
  const view = createView({
    window, settings, languages, texts,
    on: { toggle, close, setLanguage, startAgain, submit, quickReply: sendMessage, retry, input: onInput },
  });
  const connection = createConnection({
    origin: settings.origin,
    socketPath: settings.socketPath,
    connectMs: settings.connectMs,
    replyMs: settings.replyMs,
    loadIo: () => loadSocketIo({
      window, document, src: settings.base + "socket.io.min.js", nonce: settings.nonce,
    }),
    checkOrigin: typeof window.fetch === "function"
      ? () => window.fetch(settings.base + "origin-check", { credentials: "omit", cache: "no-store" })
        .then((r) => r.json())
      : null,
    timers: { set: (f, ms) => window.setTimeout(f, ms), clear: (id) => window.clearTimeout(id) },
    session: { id: () => store.sessionId, confirm: (id) => store.setSession(id) },
    pending: () => store.pending,
    onChange: (state, typing) => {
      view.setAlert(ALERTS[state] || null);
      view.setTyping(typing);
    },
    onReply,
    log: console,
  });
  let unread = 0;

  function setUnread(n) {
    unread = n;
    view.setUnread(n);
  }

  /** Show every interface text in `code` (or English), with the welcome in it. */
  function applyLanguage(code) {
    const info = languages.info(code) || languages.fallback;
    store.setLanguage(info.code, false);
    view.applyLanguage(info.code, languages.dir(info.code));
    renderWelcome();
  }

  /** The welcome, with the example questions until the first message. */
  function renderWelcome() {
    const language = store.language;
    const lang = texts.has("welcome", language) ? language : "en";
    const examplesLang = settings.examples[language] ? language : "en";
    const examples = replies(settings.examples[examplesLang]);
    view.renderWelcome({
      text: texts.t("welcome"),
      lang,
      dir: languages.dir(lang),
      examples: examples && !store.messages.length && !store.pending ? examples : null,
      examplesLang,
    });
  }

  function clearQuickReplies() {
    view.clearQuickReplies();
    store.clearQuickReplies();
  }

  /** Send `message` (a text or a button's payload), shown to the resident as `shown`. */
  function sendMessage(message, shown) {
    clearQuickReplies();
    const { shown: stored, item, dropped } = store.send(message, shown, textDir(shown, languages.dir(store.language)));
    if (dropped) view.removeOldest();
    view.addMessage(stored);
    view.follow();
    connection.send(item);
  }

  function onReply(raw) {
    store.answered();
    const reply = readReply(raw, { languages, language: store.language, explicit: store.explicit });
    if (!reply.shown) return; // images and custom payloads are not shown
    // Without an explicit choice, the interface follows the language the assistant answers in.
    if (reply.switchTo) applyLanguage(reply.switchTo);
    if (reply.quickReplies) clearQuickReplies(); // quick replies only after the last message that has them
    const message = {
      from: "bot", text: reply.text, lang: reply.lang, dir: reply.dir,
      quickReplies: reply.quickReplies, repliesLang: reply.repliesLang,
    };
    if (store.add(message)) view.removeOldest();
    view.addMessage(message);
    if (reply.text) view.announce(reply.text, reply.lang);
    if (!view.isOpen()) setUnread(unread + 1);
    view.showReply();
  }

  /** Keep what is typed within the limit, and say so at the limit (not while composing). */
  function onInput(composing) {
    const { value, caret } = view.readInput();
    const limited = composing ? { text: value, cut: false } : limitText(value, caret, settings.maxChars);
    if (limited.cut) view.writeInput(limited.text, limited.caret);
    view.setCount(countChars(limited.text), settings.maxChars);
  }

  function submit() {
    const text = cutChars(view.readInput().value.trim(), settings.maxChars);
    if (!text) return;
    view.writeInput("");
    view.setCount(0, settings.maxChars);
    sendMessage(text, text);
  }

  function retry() {
    connection.retry();
    view.focusInput();
  }

  // ---- The page's API ------------------------------------------------------------------------

  function open(focus) {
    view.open(focus !== false);
    setUnread(0);
    store.setOpen(true);
    connection.need();
  }

  function close(toLauncher) {
    view.close(toLauncher === true);
    store.setOpen(false);
  }

  function toggle() {
    if (view.isOpen()) close();
    else open();
  }

  function send(text) {
    const trimmed = typeof text === "string" ? text.trim() : "";
    const value = cutChars(trimmed, settings.maxChars);
    if (!value) return;
    if (value !== trimmed) console.warn(`BSOL assistant: send() cut the text to ${settings.maxChars} characters`);
    if (!view.isOpen()) open();
    sendMessage(value, value);
  }

  function setLanguage(code) {
    if (!languages.info(code)) {
      console.warn("BSOL assistant: unknown language", code);
      view.showLanguage(store.language);
      return;
    }
    store.setLanguage(code, true);
    applyLanguage(code);
  }

  /** Forget the conversation and start a new session. */
  function startAgain() {
    store.reset();
    connection.restart();
    setUnread(0);
    view.clearConversation();
    renderWelcome();
    if (view.isOpen()) view.focusInput();
  }

  function start() {
    const restored = store.restore();
    if (!restored) {
      const htmlLang = (document.documentElement.lang || "").split("-")[0].toLowerCase();
      if (languages.info(settings.language)) {
        store.setLanguage(settings.language, true);
      } else {
        if (settings.language) console.warn("BSOL assistant: unknown data-language", settings.language);
        store.setLanguage(languages.info(htmlLang) ? htmlLang : "en", false);
      }
    }
    view.mount(document.body);
    applyLanguage(store.language);
    for (const m of store.messages) view.addMessage(m);
    if (store.pending) connection.awaitReply(); // a reply may still come to the stored session
    if (store.messages.length || store.sessionId) connection.need();
    if (store.open || (!restored && settings.openOnLoad)) open(false); // never steal focus on load
    store.save();

    window.BSOLAssistant = {
      open: () => open(),
      close: () => close(),
      toggle: () => toggle(),
      send,
      setLanguage,
      startAgain,
    };
    document.dispatchEvent(new window.CustomEvent("bsol-assistant:ready"));
  }

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start, { once: true });
}
