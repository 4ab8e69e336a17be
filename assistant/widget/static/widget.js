/*
 * Birmingham and Solihull ICS assistant: the embeddable chat widget.
 *
 * Partners embed it with one tag:
 *   <script src="https://assistant.example/widget/widget.js" data-server="https://assistant.example" defer></script>
 * It talks to Rasa's socket.io channel (session persistence on), renders everything inside an
 * open shadow root, and takes every resident-facing text from the settings the server injects.
 * No framework; the only dependency is socket.io-client, loaded from the same folder when needed.
 */
(function () {
  "use strict";

  const SETTINGS = /*@settings*/null;
  const SCRIPT = document.currentScript; // null once this first run is over: capture it now
  const FLAG = Symbol.for("bsol-assistant");

  if (!SETTINGS) {
    console.error("BSOL assistant: no settings. Load widget.js from the assistant server.");
    return;
  }
  if (window[FLAG]) return; // the tag was pasted twice
  window[FLAG] = true;

  // ---- Options and settings -------------------------------------------------------------------

  const tag = SCRIPT || document.querySelector('script[src*="widget.js"]');
  const opts = (tag && tag.dataset) || {};
  const scriptUrl = new URL((tag && tag.src) || location.href, location.href);
  const BASE = new URL(".", scriptUrl).href; // the folder of widget.js, ending in "/"
  const serverUrl = new URL(opts.server || scriptUrl.origin, location.href);
  const SERVER = serverUrl.origin + serverUrl.pathname.replace(/\/+$/, "");
  const SOCKET_PATH = serverUrl.pathname.replace(/\/+$/, "") + "/socket.io";
  const STORE_KEY = "bsol-assistant:" + SERVER;

  const LANGS = Array.isArray(SETTINGS.languages) && SETTINGS.languages.length
    ? SETTINGS.languages : [{ code: "en", name: "English", dir: "ltr" }];
  const STRINGS = SETTINGS.strings || {};
  const EXAMPLES = SETTINGS.examples || {};
  const REPLY_MS = (Number(SETTINGS.replyTimeoutSeconds) || 20) * 1000;
  const CONNECT_MS = (Number(SETTINGS.connectTimeoutSeconds) || 10) * 1000;
  const MAX_MESSAGES = 100;
  const MAX_LENGTH = 1000;

  const langInfo = (code) => LANGS.find((l) => l.code === code);
  const langDir = (code) => ((langInfo(code) || {}).dir === "rtl" ? "rtl" : "ltr");
  const hasString = (key, lang) => Boolean((STRINGS[lang] || {})[key]);
  /** An interface string in `lang` (default: the current language), falling back to English. */
  const t = (key, lang) => (STRINGS[lang || state.language] || {})[key] || (STRINGS.en || {})[key] || "";

  // ---- State (kept in sessionStorage, or in memory when storage is unavailable) ---------------

  const state = { sessionId: null, language: "en", explicit: false, open: false, messages: [], pending: null };
  let store = null;
  try {
    store = window.sessionStorage;
    store.getItem(STORE_KEY);
  } catch (e) {
    store = null;
  }

  function save() {
    if (!store) return;
    try {
      store.setItem(STORE_KEY, JSON.stringify(state));
    } catch (e) {
      store = null; // full or refused: carry on in memory
    }
  }

  /** Read the stored state; true if there was one. */
  function restore() {
    let saved = null;
    try {
      saved = store && JSON.parse(store.getItem(STORE_KEY));
    } catch (e) {
      saved = null;
    }
    if (!saved || typeof saved !== "object") return false;
    if (typeof saved.sessionId === "string") state.sessionId = saved.sessionId;
    if (langInfo(saved.language)) state.language = saved.language;
    state.explicit = saved.explicit === true;
    state.open = saved.open === true;
    state.messages = (Array.isArray(saved.messages) ? saved.messages : [])
      .filter((m) => m && (m.from === "user" || m.from === "bot") && typeof m.text === "string")
      .slice(-MAX_MESSAGES)
      .map((m) => ({
        from: m.from,
        text: m.text,
        lang: typeof m.lang === "string" ? m.lang : state.language,
        dir: m.dir === "rtl" ? "rtl" : "ltr",
        quickReplies: m.from === "bot" ? replies(m.quickReplies) : undefined,
      }));
    const p = saved.pending;
    if (p && typeof p.message === "string") state.pending = { message: p.message, metadata: p.metadata || {} };
    return true;
  }

  /** Quick replies as [{title, payload}], dropping anything malformed. */
  function replies(list) {
    if (!Array.isArray(list)) return undefined;
    const out = list
      .filter((q) => q && (typeof q.title === "string" || typeof q.payload === "string"))
      .map((q) => ({ title: String(q.title || q.payload), payload: String(q.payload || q.title) }));
    return out.length ? out : undefined;
  }

  // ---- DOM helpers: everything is built with createElement, text only as text nodes -----------

  function h(name, attrs, ...children) {
    const node = document.createElement(name);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null || v === false) continue;
      if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children) if (c != null && c !== "") node.append(c); // strings become text nodes
    return node;
  }

  const ICONS = {
    chat: "M20 2H4a2 2 0 0 0-2 2v18l4-4h14a2 2 0 0 0 2-2V4a2 2 0 0 0-2-2z",
    close: "M19 6.41 17.59 5 12 10.59 6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 12 13.41 17.59 19 19 17.59 13.41 12z",
    send: "M2.01 21 23 12 2.01 3 2 10l15 2-15 2z",
  };
  function icon(name) {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const path = document.createElementNS(ns, "path");
    path.setAttribute("d", ICONS[name]);
    svg.append(path);
    return svg;
  }

  /** Text nodes, with http(s) URLs as links that open in a new tab. */
  const URL_RE = /https?:\/\/[^\s<>"'`]+/gi;
  const count = (s, c) => s.split(c).length - 1;
  function linkify(text, lang) {
    const out = [];
    let last = 0;
    for (const match of text.matchAll(URL_RE)) {
      let url = match[0];
      // Trailing punctuation belongs to the sentence; a ")" closing a "(" in the URL stays.
      while (/[.,;:!?)]$/.test(url)) {
        if (url.endsWith(")") && count(url, "(") >= count(url, ")")) break;
        url = url.slice(0, -1);
      }
      let href = null;
      try {
        const u = new URL(url);
        if (u.protocol === "http:" || u.protocol === "https:") href = u.href;
      } catch (e) {
        href = null;
      }
      if (!href) continue;
      out.push(text.slice(last, match.index));
      out.push(h("a", { href, target: "_blank", rel: "noopener noreferrer" }, url,
        h("span", { class: "visually-hidden", text: " " + t("opens_in_new_tab", lang) })));
      last = match.index + url.length;
    }
    out.push(text.slice(last));
    return out;
  }

  /** The direction of a text from its first letter; `fallback` when it has none. */
  function textDir(text, fallback) {
    const letter = text.match(/\p{L}/u);
    if (!letter) return fallback;
    return /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/u.test(letter[0])
      ? "rtl" : "ltr";
  }

  // ---- Build the widget ------------------------------------------------------------------------

  const host = h("div", { id: "bsol-assistant" });
  // The host takes no space and is hidden until the stylesheet has loaded (no flash of unstyled UI).
  host.style.cssText = "position:fixed;top:0;left:0;width:0;height:0;margin:0;padding:0;border:0;"
    + "z-index:2147483000;visibility:hidden";
  const root = host.attachShadow({ mode: "open" });
  const sheet = h("link", { rel: "stylesheet", href: BASE + "widget.css", nonce: tag && tag.nonce || null });
  const reveal = () => host.style.removeProperty("visibility");
  sheet.addEventListener("load", reveal);
  sheet.addEventListener("error", reveal);
  setTimeout(reveal, 5000); // never stay invisible, even if the stylesheet never answers

  const side = opts.position === "left" ? "left" : "right";
  const badgeCount = h("span", { class: "badge-count" });
  const badgeText = h("span", { class: "visually-hidden" });
  const badge = h("span", { class: "badge", id: "bsol-badge", hidden: true }, badgeCount, " ", badgeText);
  const launcher = h("button", {
    type: "button", class: "launcher " + side, "aria-expanded": "false", "aria-controls": "bsol-panel",
    onclick: () => toggle(),
  }, icon("chat"), badge);

  const title = h("h2", { id: "bsol-title", class: "title" });
  const closeBtn = h("button", { type: "button", class: "close", onclick: () => close(true) }, icon("close"));
  const langLabel = h("label", { for: "bsol-language", class: "visually-hidden" });
  const select = h("select", { id: "bsol-language", class: "language", onchange: () => setLanguage(select.value) },
    ...LANGS.map((l) => h("option", { value: l.code, lang: l.code, text: l.name || l.code })));
  const startBtn = h("button", { type: "button", class: "start-again", onclick: () => startAgain() });
  const header = h("div", { class: "header" },
    h("div", { class: "title-row" }, title, closeBtn),
    h("div", { class: "toolbar" }, langLabel, select, startBtn));
  const privacy = h("p", { class: "privacy" });

  const list = h("ol", { class: "messages-list" });
  const typingText = h("span", { class: "visually-hidden" });
  const dot = () => h("span", { class: "dot", "aria-hidden": "true" });
  const typing = h("div", { class: "typing", hidden: true }, dot(), dot(), dot(), typingText);
  const scroller = h("div", { class: "messages", tabindex: "0", role: "region", "aria-labelledby": "bsol-title" },
    list, typing);
  const alertBox = h("div", { class: "alert", role: "alert" });
  const live = h("div", { class: "visually-hidden live", "aria-live": "polite" });

  const input = h("textarea", { class: "input", rows: "1", maxlength: String(MAX_LENGTH), onkeydown: onInputKey, oninput: autosize });
  const sendBtn = h("button", { type: "submit", class: "send" }, icon("send"));
  const form = h("form", { class: "composer", onsubmit: onSubmit }, input, sendBtn);

  const panel = h("div", {
    id: "bsol-panel", class: "panel " + side, role: "dialog", "aria-modal": "true",
    "aria-labelledby": "bsol-title", hidden: true,
  }, header, privacy, scroller, alertBox, form, live);

  root.append(sheet, launcher, panel);
  root.addEventListener("keydown", onKey);

  // ---- Colour: data-colour replaces NHS blue; text on it is black or white, whichever contrasts more

  function rgb(colour) {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 1;
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, 1, 1);
    ctx.fillStyle = colour; // a colour the canvas cannot parse leaves white (handled as light)
    ctx.fillRect(0, 0, 1, 1);
    return ctx.getImageData(0, 0, 1, 1).data;
  }
  function luminance(c) {
    const [r, g, b] = [c[0], c[1], c[2]].map((v) => {
      v /= 255;
      return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }
  const contrast = (a, b) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);

  const colour = opts.colour || opts.color;
  if (colour) {
    if (window.CSS && CSS.supports("color", colour)) {
      try {
        const l = luminance(rgb(colour));
        const onPrimary = contrast(l, 1) >= contrast(l, 0) ? "#fff" : "#000";
        // As text or a border on the light surfaces, the colour must reach 4.5:1 against #f0f4f5.
        const accent = contrast(l, luminance([240, 244, 245])) >= 4.5 ? colour : "#212b32";
        host.style.setProperty("--bsol-primary", colour);
        host.style.setProperty("--bsol-on-primary", onPrimary);
        host.style.setProperty("--bsol-accent", accent);
      } catch (e) {
        console.warn("BSOL assistant: could not use data-colour", e);
      }
    } else {
      console.warn("BSOL assistant: ignoring data-colour, not a CSS colour:", colour);
    }
  }

  // ---- Rendering ---------------------------------------------------------------------------------

  let welcomeItem = null;
  let replyAnchor = null; // first bot message after the last send (kept in view)
  let unread = 0;

  function quickReplies(items, lang) {
    return h("div", { class: "quick-replies", lang },
      ...items.map((q) => h("button", {
        type: "button", class: "quick-reply", text: q.title,
        onclick: () => {
          sendMessage(q.payload, q.title);
          input.focus(); // the button is gone: keep focus in the dialog
        },
      })));
  }

  function messageItem(m) {
    const prefix = t(m.from === "user" ? "you_said" : "assistant_said", m.lang);
    const li = h("li", { class: "message " + m.from, lang: m.lang, dir: m.dir },
      h("span", { class: "visually-hidden", text: prefix + " " }),
      h("div", { class: "bubble" }, ...linkify(m.text, m.lang)));
    if (m.quickReplies) li.append(quickReplies(m.quickReplies));
    return li;
  }

  /** The welcome message (first item, not stored) with the example questions until the first send. */
  function renderWelcome() {
    const lang = hasString("welcome", state.language) ? state.language : "en";
    const li = messageItem({ from: "bot", text: t("welcome"), lang, dir: langDir(lang) });
    li.classList.add("welcome");
    const examples = EXAMPLES[state.language] ? state.language : "en";
    const items = replies(EXAMPLES[examples]);
    if (items && !state.messages.length && !state.pending) li.append(quickReplies(items, examples));
    if (welcomeItem && welcomeItem.parentNode) welcomeItem.replaceWith(li);
    else list.prepend(li);
    welcomeItem = li;
  }

  function clearQuickReplies() {
    for (const node of list.querySelectorAll(".quick-replies")) node.remove();
    for (const m of state.messages) delete m.quickReplies;
  }

  function addMessage(m) {
    state.messages.push(m);
    if (state.messages.length > MAX_MESSAGES) {
      state.messages.shift();
      const oldest = welcomeItem.nextElementSibling;
      if (oldest) oldest.remove();
    }
    const li = messageItem(m);
    list.append(li);
    save();
    return li;
  }

  function scrollToEnd() {
    scroller.scrollTop = scroller.scrollHeight;
  }

  /** Keep the start of the latest replies in view, even when they are taller than the list. */
  function showReply(li) {
    if (!replyAnchor || !replyAnchor.isConnected) replyAnchor = li;
    const top = replyAnchor.offsetTop - 8;
    if (scroller.scrollHeight - top > scroller.clientHeight) scroller.scrollTop = top;
    else scrollToEnd();
  }

  function showTyping(on) {
    typing.hidden = !on;
    if (on) scrollToEnd();
  }

  function setUnread(n) {
    unread = n;
    badge.hidden = !n;
    badgeCount.textContent = n > 9 ? "9+" : String(n);
    if (n) launcher.setAttribute("aria-describedby", "bsol-badge");
    else launcher.removeAttribute("aria-describedby");
  }

  // Alerts: one at a time; each offers "Try again".
  let alertKey = null;
  function setAlert(key) {
    if (key === alertKey) return;
    alertKey = key;
    renderAlert();
  }
  function renderAlert() {
    alertBox.replaceChildren();
    if (!alertKey) return;
    alertBox.append(h("p", { text: t(alertKey) }),
      h("button", { type: "button", class: "retry", text: t("retry"), onclick: retry }));
  }

  /** Show every interface string in `code`; existing bubbles keep their own language. */
  function applyLanguage(code) {
    const info = langInfo(code) || langInfo("en") || LANGS[0];
    state.language = info.code;
    panel.lang = launcher.lang = info.code;
    panel.dir = langDir(info.code);
    title.textContent = opts.title || t("title");
    launcher.setAttribute("aria-label", t("open_chat"));
    badgeText.textContent = t("new_message");
    closeBtn.setAttribute("aria-label", t("close_chat"));
    langLabel.textContent = t("language");
    select.value = info.code;
    startBtn.textContent = t("start_again");
    privacy.textContent = t("privacy_notice");
    input.placeholder = t("input_placeholder");
    input.setAttribute("aria-label", t("input_placeholder"));
    sendBtn.setAttribute("aria-label", t("send"));
    typingText.textContent = t("typing");
    renderWelcome();
    renderAlert();
  }

  // ---- Connection ----------------------------------------------------------------------------------

  let ioLib = null; // our own socket.io-client (window.io is given back to the page)
  let ioLoading = false;
  let socket = null;
  let confirmed = false; // session_confirm received on the current connection
  let outbox = []; // messages waiting for a confirmed session: never socket.io's own buffer
  let connectTimer = null;
  let replyTimer = null;

  function startConnectTimer() {
    clearTimeout(connectTimer);
    connectTimer = setTimeout(() => {
      connectTimer = null;
      if (!confirmed) setAlert("server_unavailable");
    }, CONNECT_MS);
  }

  function startReplyTimer() {
    clearTimeout(replyTimer);
    replyTimer = setTimeout(() => {
      replyTimer = null;
      showTyping(false);
      setAlert(confirmed ? "no_reply" : "server_unavailable");
    }, REPLY_MS);
  }

  /** Load socket.io-client (once) and connect. */
  function ensureSocket() {
    if (socket) {
      if (!socket.connected && !socket.active) {
        socket.connect();
        startConnectTimer();
      }
      return;
    }
    if (ioLoading) return;
    startConnectTimer();
    if (ioLib) {
      createSocket();
      return;
    }
    ioLoading = true;
    const hadIo = Object.prototype.hasOwnProperty.call(window, "io");
    const pageIo = window.io;
    // The UMD build registers with an AMD loader instead of setting window.io when one is present.
    const amd = typeof window.define === "function" ? window.define.amd : undefined;
    if (amd) window.define.amd = undefined;
    const done = (ok) => {
      ioLoading = false;
      if (amd) window.define.amd = amd;
      const lib = window.io;
      if (hadIo) window.io = pageIo;
      else delete window.io;
      if (ok && typeof lib === "function") {
        ioLib = lib;
        createSocket();
      } else {
        s.remove();
        clearTimeout(connectTimer);
        showTyping(false);
        setAlert("server_unavailable");
      }
    };
    const s = h("script", { src: BASE + "socket.io.min.js", nonce: tag && tag.nonce || null });
    s.async = true;
    s.onload = () => done(true);
    s.onerror = () => done(false);
    document.head.append(s);
  }

  function createSocket() {
    socket = ioLib(serverUrl.origin, { path: SOCKET_PATH, reconnection: true, reconnectionDelayMax: 10000 });
    socket.on("connect", () => {
      confirmed = false;
      socket.emit("session_request", { session_id: state.sessionId || null });
    });
    socket.on("session_confirm", (data) => {
      const id = typeof data === "string" ? data : data && data.session_id;
      if (id) state.sessionId = String(id);
      confirmed = true;
      clearTimeout(connectTimer);
      save();
      // Connected again: a message sent earlier and never answered still needs "Try again".
      if (alertKey !== "no_reply") setAlert(state.pending && !replyTimer && !outbox.length ? "no_reply" : null);
      flush();
    });
    socket.on("bot_uttered", onBotMessage);
    socket.on("connect_error", onConnectError);
    socket.on("disconnect", (reason) => {
      confirmed = false;
      if (reason === "io client disconnect") return; // our own (Start again, Try again)
      if (reason === "io server disconnect") socket.connect(); // socket.io does not retry this one
      if (alertKey !== "server_unavailable") setAlert("connection_lost");
      startConnectTimer(); // still down when it fires: "not available"
    });
    socket.io.on("reconnect_failed", () => setAlert("server_unavailable"));
  }

  // A refused origin shows only CORS errors in the console: ask the server why, and say it once.
  let originState = null; // null, "asking", "allowed" or "refused"
  function onConnectError() {
    if (originState === "refused") refused();
    if (originState || typeof fetch !== "function") return;
    originState = "asking";
    fetch(BASE + "origin-check", { credentials: "omit", cache: "no-store" })
      .then((r) => r.json())
      .then((answer) => {
        originState = answer && answer.allowed === false ? "refused" : "allowed";
        if (originState !== "refused") return;
        console.error("BSOL assistant: " + (answer.reason || "this site may not use the assistant."));
        refused();
      })
      .catch(() => {
        originState = null; // not answered (the server is down): ask again on the next error
      });
  }
  function refused() {
    socket.disconnect(); // retrying cannot help; "Try again" asks once more
    clearTimeout(connectTimer);
    showTyping(false);
    setAlert("server_unavailable");
  }

  function flush() {
    if (!socket || !socket.connected || !confirmed || !outbox.length) return;
    for (const item of outbox) {
      socket.emit("user_uttered", { message: item.message, session_id: state.sessionId, metadata: item.metadata });
    }
    outbox = [];
    showTyping(true);
    startReplyTimer();
  }

  /** Try again: reconnect if needed and, after "no reply", send the unanswered message again. */
  function retry() {
    const key = alertKey;
    setAlert(null);
    if (!socket) ensureSocket();
    else if (!socket.connected || !confirmed) {
      confirmed = false;
      socket.disconnect();
      socket.connect();
      startConnectTimer();
    }
    if (key === "no_reply" || (state.pending && !replyTimer)) {
      if (state.pending && !outbox.includes(state.pending)) outbox.push(state.pending);
      showTyping(true);
      startReplyTimer();
      flush();
    }
    input.focus();
  }

  // ---- Messages --------------------------------------------------------------------------------------

  /** Send `message` (text or payload), shown to the resident as `shown`. */
  function sendMessage(message, shown) {
    clearQuickReplies();
    const lang = state.language;
    addMessage({ from: "user", text: shown, lang, dir: textDir(shown, langDir(lang)) });
    const item = { message, metadata: state.explicit ? { language: state.language } : {} };
    state.pending = item;
    outbox.push(item);
    replyAnchor = null;
    if (alertKey === "no_reply") setAlert(null);
    save();
    showTyping(true);
    startReplyTimer();
    ensureSocket();
    flush();
  }

  function onBotMessage(msg) {
    if (!msg || typeof msg !== "object") return;
    clearTimeout(replyTimer);
    replyTimer = null;
    showTyping(false);
    state.pending = null;
    if (alertKey === "no_reply") setAlert(null);

    const text = typeof msg.text === "string" ? msg.text : "";
    const quick = replies(msg.quick_replies || msg.buttons);
    if (!text && !quick) {
      save();
      return; // images and custom payloads are not shown
    }
    const meta = msg.metadata && typeof msg.metadata === "object" ? msg.metadata : {};
    const known = langInfo(meta.language);
    // Without an explicit choice, the interface follows the language the assistant answers in.
    if (known && !state.explicit && meta.language !== state.language) applyLanguage(meta.language);
    const lang = typeof meta.language === "string" && /^[A-Za-z]{2,3}(-[A-Za-z0-9]+)*$/.test(meta.language)
      ? meta.language : state.language;
    const dir = meta.dir === "rtl" || meta.dir === "ltr" ? meta.dir : known ? langDir(lang) : langDir(state.language);
    if (quick) clearQuickReplies(); // quick replies only after the last message that has them
    const li = addMessage({ from: "bot", text, lang, dir, quickReplies: quick });
    if (text) {
      // Announced once; removed later so a screen reader's browse mode does not read it twice.
      const note = h("p", { lang, text });
      live.append(note);
      setTimeout(() => note.remove(), 10000);
    }
    if (panel.hidden) setUnread(unread + 1);
    showReply(li);
  }

  // ---- Events ------------------------------------------------------------------------------------

  function onSubmit(e) {
    e.preventDefault();
    const text = input.value.trim().slice(0, MAX_LENGTH);
    if (!text) return;
    input.value = "";
    autosize();
    sendMessage(text, text);
  }

  function onInputKey(e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      form.requestSubmit();
    }
  }

  function autosize() {
    input.style.height = "auto";
    if (input.value) input.style.height = input.scrollHeight + (input.offsetHeight - input.clientHeight) + "px";
  }

  function focusables() {
    return [...panel.querySelectorAll("a[href], button, select, textarea, input, [tabindex]")]
      .filter((n) => !n.disabled && n.tabIndex >= 0 && n.getClientRects().length);
  }

  /** While open: Escape closes; Tab and Shift+Tab stay inside the dialog. */
  function onKey(e) {
    if (panel.hidden) return;
    if (e.key === "Escape" && !e.isComposing) {
      e.preventDefault();
      close(true);
      return;
    }
    if (e.key !== "Tab") return;
    const items = focusables();
    if (!items.length) return;
    const first = items[0];
    const last = items[items.length - 1];
    const active = root.activeElement; // document.activeElement is only the host
    if (e.shiftKey && (active === first || !panel.contains(active))) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (active === last || !panel.contains(active))) {
      e.preventDefault();
      first.focus();
    }
  }

  // ---- Public API ----------------------------------------------------------------------------------

  function open(focus) {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    setUnread(0);
    if (!state.open) {
      state.open = true;
      save();
    }
    ensureSocket();
    scrollToEnd();
    if (focus !== false) input.focus();
  }

  /** Close; focus goes back to the launcher if it was in the panel (or `toLauncher`). */
  function close(toLauncher) {
    const hadFocus = panel.contains(root.activeElement);
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    if (state.open) {
      state.open = false;
      save();
    }
    if (hadFocus || toLauncher === true) launcher.focus();
  }

  function toggle() {
    if (panel.hidden) open();
    else close();
  }

  function send(text) {
    const value = typeof text === "string" ? text.trim().slice(0, MAX_LENGTH) : "";
    if (!value) return;
    if (panel.hidden) open();
    sendMessage(value, value);
  }

  function setLanguage(code) {
    if (!langInfo(code)) {
      console.warn("BSOL assistant: unknown language", code);
      select.value = state.language;
      return;
    }
    state.explicit = true;
    applyLanguage(code);
    save();
  }

  /** Forget the conversation and start a new session. */
  function startAgain() {
    state.messages = [];
    state.sessionId = null;
    state.pending = null;
    outbox = [];
    clearTimeout(replyTimer);
    replyTimer = null;
    replyAnchor = null;
    showTyping(false);
    setAlert(null);
    setUnread(0);
    live.replaceChildren();
    list.replaceChildren();
    welcomeItem = null;
    renderWelcome();
    save();
    if (socket) {
      confirmed = false;
      socket.disconnect();
      socket.connect(); // a new session_request with no id
      startConnectTimer();
    }
    if (!panel.hidden) input.focus();
  }

  // ---- Start -------------------------------------------------------------------------------------

  function start() {
    const restored = restore();
    if (!restored) {
      const htmlLang = (document.documentElement.lang || "").split("-")[0].toLowerCase();
      if (langInfo(opts.language)) {
        state.language = opts.language;
        state.explicit = true;
      } else {
        if (opts.language) console.warn("BSOL assistant: unknown data-language", opts.language);
        state.language = langInfo(htmlLang) ? htmlLang : "en";
      }
    }
    document.body.append(host);
    applyLanguage(state.language);
    for (const m of state.messages) list.append(messageItem(m));
    if (state.pending) {
      // A reply may still come to the stored session once reconnected.
      showTyping(true);
      startReplyTimer();
    }
    if (state.messages.length || state.sessionId) ensureSocket();
    if (state.open || (!restored && opts.open === "true")) open(false); // never steal focus on load
    save();

    window.BSOLAssistant = {
      open: () => open(),
      close: () => close(),
      toggle: () => toggle(),
      send,
      setLanguage,
      startAgain,
    };
    document.dispatchEvent(new CustomEvent("bsol-assistant:ready"));
  }

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start, { once: true });
})();
