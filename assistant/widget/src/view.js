/**
 * The widget's DOM, inside an open shadow root: the launcher, the panel (a modal dialog) and
 * everything in it. main.js tells it what to show, and it reports what the resident does
 * through the `on` handlers; it keeps only what the DOM needs (where the list is scrolled,
 * whether the resident reads further up). Everything is built with createElement; messages go
 * in only as text nodes.
 */

import { colourTheme } from "./colour.js";
import { atEnd, replyScrollTop } from "./scroll.js";
import { linkParts, textBlocks } from "./text.js";

const ICONS = {
  chat: "M20 2H4a2 2 0 0 0-2 2v18l4-4h14a2 2 0 0 0 2-2V4a2 2 0 0 0-2-2z",
  close: "M19 6.41 17.59 5 12 10.59 6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 12 13.41 17.59 19 19 17.59 13.41 12z",
  send: "M2.01 21 23 12 2.01 3 2 10l15 2-15 2z",
  down: "M20 12l-1.41-1.41L13 16.17V4h-2v12.17l-5.58-5.59L4 12l8 8 8-8z",
};
const REVEAL_MS = 5000; // the widget shows even if its stylesheet never answers
const ANNOUNCED_MS = 10000; // how long an announcement stays in the live region
const NEAR_LIMIT = 0.9; // the character count shows from 90 % of the limit

/**
 * The view.
 *
 * @param {object} options
 * @param {Window} options.window The page's window.
 * @param {object} options.settings From settings.js.
 * @param {object} options.languages From settings.js `languageList`.
 * @param {{t: Function}} options.texts The interface texts.
 * @param {object} options.on Handlers: toggle(), close(toLauncher), setLanguage(code), startAgain(),
 *   submit(), quickReply(payload, title), retry(), input(composing).
 */
export function createView({ window, settings, languages, texts, on }) {
  const { document } = window;
  const { t } = texts;

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

  // ---- Build ------------------------------------------------------------------------------------

  const host = h("div", { id: "bsol-assistant" });
  // The host takes no space and is hidden until the stylesheet has loaded (no flash of unstyled UI).
  host.style.cssText = "position:fixed;top:0;left:0;width:0;height:0;margin:0;padding:0;border:0;"
    + "z-index:2147483000;visibility:hidden";
  const root = host.attachShadow({ mode: "open" });
  const sheet = h("link", { rel: "stylesheet", href: settings.base + "widget.css", nonce: settings.nonce });
  const reveal = () => host.style.removeProperty("visibility");
  sheet.addEventListener("load", reveal);
  sheet.addEventListener("error", reveal);
  window.setTimeout(reveal, REVEAL_MS);

  const side = settings.position;
  const badgeCount = h("span", { class: "badge-count" });
  const badgeText = h("span", { class: "visually-hidden" });
  const badge = h("span", { class: "badge", id: "bsol-badge", hidden: true }, badgeCount, " ", badgeText);
  const launcher = h("button", {
    type: "button", class: "launcher " + side, "aria-expanded": "false", "aria-controls": "bsol-panel",
    onclick: () => on.toggle(),
  }, icon("chat"), badge);

  const title = h("h2", { id: "bsol-title", class: "title" });
  const closeBtn = h("button", { type: "button", class: "close", onclick: () => on.close(true) }, icon("close"));
  const langLabel = h("label", { for: "bsol-language", class: "visually-hidden" });
  const select = h("select", { id: "bsol-language", class: "language", onchange: () => on.setLanguage(select.value) },
    ...languages.all.map((l) => h("option", { value: l.code, lang: l.code, text: l.name || l.code })));
  const startBtn = h("button", { type: "button", class: "start-again", onclick: () => on.startAgain() });
  const header = h("div", { class: "header" },
    h("div", { class: "title-row" }, title, closeBtn),
    h("div", { class: "toolbar" }, langLabel, select, startBtn));
  const privacy = h("p", { class: "privacy" });

  const list = h("ol", { class: "messages-list" });
  const typingText = h("span", { class: "visually-hidden" });
  const dot = () => h("span", { class: "dot", "aria-hidden": "true" });
  const typing = h("div", { class: "typing", hidden: true }, dot(), dot(), dot(), typingText);
  const jumpText = h("span");
  const jump = h("button", { type: "button", class: "jump", hidden: true, onclick: jumpToNewest },
    icon("down"), jumpText);
  const scroller = h("div", { class: "messages", tabindex: "0", role: "region", "aria-labelledby": "bsol-title" },
    list, typing, jump);
  const alertBox = h("div", { class: "alert", role: "alert" });
  const live = h("div", { class: "visually-hidden live", "aria-live": "polite" });

  const input = h("textarea", {
    class: "input", rows: "1", "aria-describedby": "bsol-limit",
    onkeydown: onInputKey,
    oninput: (e) => {
      on.input(e.isComposing);
      autosize();
    },
    oncompositionend: () => on.input(false),
  });
  const sendBtn = h("button", { type: "submit", class: "send" }, icon("send"));
  const form = h("form", {
    class: "composer",
    onsubmit: (e) => {
      e.preventDefault();
      on.submit();
    },
  }, input, sendBtn);
  const limitNotice = h("p", { class: "limit-notice", id: "bsol-limit", "aria-live": "polite" });
  const counter = h("p", { class: "counter", hidden: true });
  const status = h("div", { class: "composer-status" }, counter, limitNotice);

  const panel = h("div", {
    id: "bsol-panel", class: "panel " + side, role: "dialog", "aria-modal": "true",
    "aria-labelledby": "bsol-title", hidden: true,
  }, header, privacy, scroller, alertBox, form, status, live);

  root.append(sheet, launcher, panel);
  root.addEventListener("keydown", onKey);
  if (settings.colour) useColour(settings.colour);

  // ---- Colour -------------------------------------------------------------------------------

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

  function useColour(colour) {
    if (!(window.CSS && window.CSS.supports("color", colour))) {
      window.console.warn("BSOL assistant: ignoring data-colour, not a CSS colour:", colour);
      return;
    }
    try {
      for (const [name, value] of Object.entries(colourTheme(colour, rgb(colour)))) {
        host.style.setProperty(name, value);
      }
    } catch (e) {
      window.console.warn("BSOL assistant: could not use data-colour", e);
    }
  }

  // ---- Messages ---------------------------------------------------------------------------------

  let welcome = null;
  let anchor = null; // the first reply since the resident's last message
  let following = true; // false once the resident scrolls up to read: replies then wait below
  let lastTop = 0; // where the list was last scrolled to (by us or the resident)

  function linkify(text, lang) {
    return linkParts(text).map((part) => {
      if (!part.href) return part.text;
      if (part.href.startsWith("tel:")) return h("a", { href: part.href }, part.link);
      return h("a", { href: part.href, target: "_blank", rel: "noopener noreferrer" }, part.link,
        h("span", { class: "visually-hidden", text: " " + t("opens_in_new_tab", lang) }));
    });
  }

  /** A message's text: its numbered and "- " lines as lists, links in every line. */
  function render(text, lang) {
    return textBlocks(text).flatMap((block) => (block.list
      ? [h(block.list, { start: block.start > 1 ? block.start : null },
        ...block.items.map((item) => h("li", {}, ...linkify(item, lang))))]
      : linkify(block.text, lang)));
  }

  function quickReplies(items, lang) {
    return h("div", { class: "quick-replies", lang },
      ...items.map((q) => h("button", {
        type: "button", class: "quick-reply", text: q.title,
        onclick: () => {
          on.quickReply(q.payload, q.title);
          input.focus(); // the button is gone: keep focus in the dialog
        },
      })));
  }

  function messageItem(m) {
    const prefix = t(m.from === "user" ? "you_said" : "assistant_said", m.lang);
    const li = h("li", { class: "message " + m.from, lang: m.lang, dir: m.dir },
      h("span", { class: "visually-hidden", text: prefix + " " }),
      h("div", { class: "bubble" }, ...render(m.text, m.lang)));
    // English titles in another language's reply are marked, so screen readers read them as English.
    if (m.quickReplies) li.append(quickReplies(m.quickReplies, m.repliesLang || m.lang));
    return li;
  }

  function scrollTo(top) {
    scroller.scrollTop = top;
    lastTop = scroller.scrollTop;
  }

  function scrollToEnd() {
    scrollTo(scroller.scrollHeight);
  }

  // Scrolling up stops following the newest replies; reaching the end again resumes it.
  scroller.addEventListener("scroll", () => {
    const top = scroller.scrollTop;
    if (atEnd(scroller)) {
      following = true;
      jump.hidden = true;
    } else if (top < lastTop - 1) {
      following = false;
    }
    lastTop = top;
  }, { passive: true });

  function showNewest() {
    const newest = list.lastElementChild;
    if (!newest) return;
    if (!anchor || !anchor.isConnected) anchor = newest;
    scrollTo(replyScrollTop({
      anchorTop: anchor.offsetTop,
      newestTop: newest.offsetTop,
      newestBottom: newest.offsetTop + newest.offsetHeight,
      viewHeight: scroller.clientHeight,
    }));
  }

  function jumpToNewest() {
    following = true;
    jump.hidden = true;
    showNewest();
    input.focus(); // the button is gone: keep focus in the dialog
  }

  // Alerts: one at a time; each offers "Try again".
  let alertKey = null;
  function renderAlert() {
    alertBox.replaceChildren();
    if (!alertKey) return;
    alertBox.append(h("p", { text: t(alertKey) }),
      h("button", { type: "button", class: "retry", text: t("retry"), onclick: () => on.retry() }));
  }

  // The length limit: a count near it, and a notice (announced) at it.
  let limit = { count: 0, max: 0 };
  function number(n) {
    try {
      return new Intl.NumberFormat(panel.lang || "en").format(n);
    } catch (e) {
      return String(n);
    }
  }
  function renderLimit() {
    const { count, max } = limit;
    const near = max > 0 && count >= Math.ceil(max * NEAR_LIMIT);
    counter.hidden = !near;
    counter.textContent = near ? t("characters_used", null, { count: number(count), max: number(max) }) : "";
    const notice = max > 0 && count >= max ? t("message_too_long", null, { max: number(max) }) : "";
    if (limitNotice.textContent !== notice) limitNotice.textContent = notice;
  }

  // ---- Composer and keyboard ----------------------------------------------------------------------

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
      on.close(true);
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

  return {
    /** Put the widget on the page. */
    mount(body) {
      body.append(host);
    },

    /** Show every interface text in `code` (written `dir`); bubbles keep their own language. */
    applyLanguage(code, dir) {
      panel.lang = launcher.lang = code;
      panel.dir = dir;
      title.textContent = settings.title || t("title");
      launcher.setAttribute("aria-label", t("open_chat"));
      badgeText.textContent = t("new_message");
      jumpText.textContent = t("new_message");
      closeBtn.setAttribute("aria-label", t("close_chat"));
      langLabel.textContent = t("language");
      select.value = code;
      startBtn.textContent = t("start_again");
      privacy.textContent = t("privacy_notice");
      input.placeholder = t("input_placeholder");
      input.setAttribute("aria-label", t("input_placeholder"));
      sendBtn.setAttribute("aria-label", t("send"));
      typingText.textContent = t("typing");
      renderAlert();
      renderLimit();
    },

    /** The picker shows `code` (after a choice that was refused). */
    showLanguage(code) {
      select.value = code;
    },

    /** The welcome (first item, not stored), with example questions when `examples` are given. */
    renderWelcome({ text, lang, dir, examples, examplesLang }) {
      const li = messageItem({ from: "bot", text, lang, dir });
      li.classList.add("welcome");
      if (examples) li.append(quickReplies(examples, examplesLang));
      if (welcome && welcome.parentNode) welcome.replaceWith(li);
      else list.prepend(li);
      welcome = li;
    },

    /** Show a stored message at the end of the list. */
    addMessage(m) {
      list.append(messageItem(m));
    },

    /** Take away the oldest message (not the welcome). */
    removeOldest() {
      const oldest = welcome ? welcome.nextElementSibling : list.firstElementChild;
      if (oldest) oldest.remove();
    },

    clearQuickReplies() {
      for (const node of list.querySelectorAll(".quick-replies")) node.remove();
    },

    /** Start again: no messages, nothing announced, the next reply shown from the end. */
    clearConversation() {
      live.replaceChildren();
      list.replaceChildren();
      welcome = null;
      anchor = null;
      following = true;
      jump.hidden = true;
    },

    /** The resident sent a message: back to the newest, and the next replies shown from it. */
    follow() {
      anchor = null;
      following = true;
      jump.hidden = true;
      scrollToEnd();
    },

    /**
     * A reply was added: bring it into view, or, when the resident has scrolled up to read,
     * offer a button to it.
     */
    showReply() {
      const newest = list.lastElementChild;
      if (!anchor || !anchor.isConnected) anchor = newest;
      if (panel.hidden) return; // opening shows the end
      if (following) showNewest();
      else jump.hidden = false;
    },

    setTyping(on) {
      typing.hidden = !on;
      if (on && following) scrollToEnd();
    },

    /** Show the alert `key` (an interface text key) with "Try again", or none. */
    setAlert(key) {
      if (key === alertKey) return;
      alertKey = key;
      renderAlert();
    },

    setUnread(n) {
      badge.hidden = !n;
      badgeCount.textContent = n > 9 ? "9+" : String(n);
      if (n) launcher.setAttribute("aria-describedby", "bsol-badge");
      else launcher.removeAttribute("aria-describedby");
    },

    /** Read `text` out once (a screen reader's browse mode does not find it twice later). */
    announce(text, lang) {
      const note = h("p", { lang, text });
      live.append(note);
      window.setTimeout(() => note.remove(), ANNOUNCED_MS);
    },

    isOpen() {
      return !panel.hidden;
    },

    open(focus) {
      panel.hidden = false;
      launcher.setAttribute("aria-expanded", "true");
      following = true;
      jump.hidden = true;
      scrollToEnd();
      if (focus) input.focus();
    },

    /** Close; focus goes back to the launcher if it was in the panel (or `toLauncher`). */
    close(toLauncher) {
      const hadFocus = panel.contains(root.activeElement);
      panel.hidden = true;
      launcher.setAttribute("aria-expanded", "false");
      if (hadFocus || toLauncher) launcher.focus();
    },

    focusInput() {
      input.focus();
    },

    /** What is typed, and where the caret is. */
    readInput() {
      return { value: input.value, caret: input.selectionEnd };
    },

    /** Replace what is typed (`caret`: where the caret goes; default the end). */
    writeInput(value, caret) {
      input.value = value;
      if (caret != null) input.setSelectionRange(caret, caret);
      autosize();
    },

    /** Show how many characters are typed, of at most `max`. */
    setCount(count, max) {
      limit = { count, max };
      renderLimit();
    },
  };
}
