/**
 * Text rules the widget applies, with no DOM: which parts of a message are links, which way a
 * text runs, and the length limit. Lengths are counted in characters (code points), as the
 * server counts them, not in UTF-16 units: an emoji is one character.
 */

const URL_RE = /https?:\/\/[^\s<>"'`]+/gi;
const RTL_SCRIPT = /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/u;
const occurrences = (text, char) => text.split(char).length - 1;

/** An http(s) address as a link target, or null. */
function webHref(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch (error) {
    return null;
  }
}

/**
 * A text as parts, in order: `{ text }` for plain text and `{ link, href }` for each http(s)
 * address. Trailing punctuation belongs to the sentence; a ")" closing a "(" in the address stays.
 */
export function linkParts(text) {
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(URL_RE)) {
    let url = match[0];
    while (/[.,;:!?)]$/.test(url)) {
      if (url.endsWith(")") && occurrences(url, "(") >= occurrences(url, ")")) break;
      url = url.slice(0, -1);
    }
    const href = webHref(url);
    if (!href) continue;
    parts.push({ text: text.slice(last, match.index) }, { link: url, href });
    last = match.index + url.length;
  }
  parts.push({ text: text.slice(last) });
  return parts.filter((part) => part.href || part.text);
}

/** The direction of a text from its first letter; `fallback` when it has none. */
export function textDir(text, fallback) {
  const letter = text.match(/\p{L}/u);
  if (!letter) return fallback;
  return RTL_SCRIPT.test(letter[0]) ? "rtl" : "ltr";
}

/** How many characters `text` has. */
export function countChars(text) {
  return [...text].length;
}

/** `text` cut to its first `max` characters. */
export function cutChars(text, max) {
  return [...text].slice(0, max).join("");
}

/**
 * `text` kept within `max` characters after an edit that left the caret at `caret` (a UTF-16
 * index): what is over the limit goes from just before the caret (what was just typed or
 * pasted), then from the end. Returns `{ text, caret, cut }`.
 */
export function limitText(text, caret, max) {
  const chars = [...text];
  const excess = chars.length - max;
  if (excess <= 0) return { text, caret, cut: false };
  const at = countChars(text.slice(0, caret));
  const keptBefore = chars.slice(0, at - Math.min(excess, at));
  const kept = keptBefore.concat(chars.slice(at)).slice(0, max);
  const joined = kept.join("");
  return { text: joined, caret: Math.min(keptBefore.join("").length, joined.length), cut: true };
}
