/**
 * The widget's settings: what the server wrote into widget.js (languages, interface texts,
 * examples, time-outs, the message length limit) and the partner's `data-` attributes.
 */

const ENGLISH = { code: "en", name: "English", dir: "ltr" };
const MAX_MESSAGES = 100; // messages kept (and shown) per conversation

/**
 * Interface texts the widget needs that the server may not send yet (added to
 * data/messages/en.yml and translations/*.yml under `interface:`); the server's text wins.
 */
export const FALLBACK_STRINGS = {
  message_too_long:
    "You have reached the limit of {max} characters for one message. Please send the rest in another message.",
  characters_used: "{count} of {max} characters",
};

function positive(value, fallback) {
  const number = Number(value);
  return number > 0 ? number : fallback;
}

/**
 * The settings for one page: `injected` from the server, `script` the widget's <script> element
 * (its `data-` attributes and address), `location` the page's.
 */
export function readSettings(injected, script, location) {
  const options = (script && script.dataset) || {};
  const scriptUrl = new URL((script && script.src) || location.href, location.href);
  const serverUrl = new URL(options.server || scriptUrl.origin, location.href);
  const serverPath = serverUrl.pathname.replace(/\/+$/, "");
  const languages = Array.isArray(injected.languages) && injected.languages.length
    ? injected.languages : [ENGLISH];
  return {
    base: new URL(".", scriptUrl).href, // the folder of widget.js, ending in "/"
    origin: serverUrl.origin,
    socketPath: serverPath + "/socket.io",
    storeKey: "bsol-assistant:" + serverUrl.origin + serverPath,
    nonce: (script && script.nonce) || null,
    position: options.position === "left" ? "left" : "right",
    colour: options.colour || options.color || null,
    title: options.title || null,
    language: options.language || null,
    openOnLoad: options.open === "true",
    languages,
    strings: injected.strings || {},
    examples: injected.examples || {},
    replyMs: positive(injected.replyTimeoutSeconds, 20) * 1000,
    connectMs: positive(injected.connectTimeoutSeconds, 10) * 1000,
    maxChars: Math.floor(positive(injected.maxMessageChars, 1000)),
    maxMessages: MAX_MESSAGES,
  };
}

/** Look-ups in the offered languages: `info(code)`, `dir(code)` and the one to fall back to. */
export function languageList(languages) {
  const info = (code) => languages.find((language) => language.code === code);
  return {
    all: languages,
    info,
    dir: (code) => ((info(code) || {}).dir === "rtl" ? "rtl" : "ltr"),
    fallback: info("en") || languages[0],
  };
}

/** `template` with each `{name}` replaced by `values[name]` (left as it is when absent). */
export function fill(template, values) {
  if (!values) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

/**
 * The interface texts: `t(key, lang, values)` in `lang` (default: `current()`), falling back to
 * English; `has(key, lang)` whether `lang` has its own.
 */
export function createTexts(strings, current) {
  const english = { ...FALLBACK_STRINGS, ...(strings.en || {}) };
  return {
    t: (key, lang, values) => fill((strings[lang || current()] || {})[key] || english[key] || "", values),
    has: (key, lang) => Boolean((strings[lang] || {})[key]),
  };
}
