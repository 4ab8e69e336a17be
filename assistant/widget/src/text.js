/**
 * Text rules the widget applies, with no DOM: which parts of a message are links (web addresses
 * and phone numbers), which lines are lists, which way a text runs, and the length limit.
 * Lengths are counted in characters (code points), as the server counts them, not in UTF-16
 * units: an emoji is one character.
 */

// Bidirectional controls (marks, embeddings, isolates): right-to-left replies wrap names,
// numbers and addresses in isolates, which are never part of a link or a list marker.
const BIDI = "\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069";
const URL_RE = new RegExp(`https?://[^\\s<>"'\`${BIDI}]+`, "gi");
// A run of digits, with what joins digits into one number: a space inside a phone number, the
// point of "0.4", the slashes and hyphens of dates, the colon of a time; "+44" or "+44 (0)" may
// open it. A run is taken whole and is a phone number only if nothing is glued to it, so a phone
// number is never cut out of a longer number, a date, a distance, a postcode or an amount. (No
// lookbehind: Safari before 16.4 cannot parse one, and the whole widget would fail.)
const SPACE = "[ \u00a0\u202f]";
const JOINER = `(?:${SPACE}|[.,/:-])`;
const NUMBER_RE = new RegExp(`(?:\\+44${SPACE}?(?:\\(0\\)${SPACE}?)?)?\\d+(?:${JOINER}\\d+)*`, "g");
const GLUED_BEFORE = /[\p{L}\p{N}\p{Sc}+]$/u;
const GLUED_AFTER = /^[\p{L}\p{N}]/u;
// UK numbers (Ofcom's plan), grouped by spaces: 11 digits starting 01, 02, 03, 05, 07, 08 or 09;
// 10 only for 0800-type numbers ("0800 555 111") and the few area codes with short numbers, never
// for a 011x or 01x1 city code such as Birmingham's 0121.
const UK_NUMBER = /^0(?:[1235789]\d{9}|1[02-9][02-9]\d{6}|8\d{8})$/;
const SHORT_NUMBERS = new Set(["999", "111", "116 123"]); // emergency, NHS 111, Samaritans
const LIST_LINE = new RegExp(`^([${BIDI}]*)(?:(\\d{1,3})\\.|-)([${BIDI}]*) +(\\S.*)$`, "u");
const RTL_SCRIPT = /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/u;
const occurrences = (text, char) => text.split(char).length - 1;

/** An http(s) address (a match of URL_RE) as a link, or null; trailing punctuation stays out. */
function webLink(match) {
  let url = match[0];
  while (/[.,;:!?)]$/.test(url)) {
    if (url.endsWith(")") && occurrences(url, "(") >= occurrences(url, ")")) break;
    url = url.slice(0, -1);
  }
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:"
      ? { link: url, href: parsed.href } : null;
  } catch (error) {
    return null;
  }
}

/** A UK phone number, 999, 111 or 116 123 (a match of NUMBER_RE) as a `tel:` link, or null. */
function phoneLink(match) {
  const number = match[0];
  const { input, index } = match;
  const end = index + number.length;
  // One character either side (two UTF-16 units: it may be outside the BMP).
  if (GLUED_BEFORE.test(input.slice(Math.max(0, index - 2), index))) return null;
  if (GLUED_AFTER.test(input.slice(end, end + 2))) return null;
  const spaced = number.replace(/[\u00a0\u202f]/g, " ");
  if (SHORT_NUMBERS.has(spaced)) return { link: number, href: "tel:" + spaced.replace(/ /g, "") };
  const international = /^\+44 ?(?:\(0\) ?)?/.exec(spaced);
  const rest = international ? "0" + spaced.slice(international[0].length) : spaced;
  const national = rest.replace(/ /g, "");
  if (!UK_NUMBER.test(national)) return null; // also a distance, a date or a time: not digits only
  return { link: number, href: "tel:" + (international ? "+44" + national.slice(1) : national) };
}

/** `text` as parts: `{ text }` between the matches of `re` that `linkOf` makes a link of. */
function splitLinks(text, re, linkOf) {
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(re)) {
    const found = linkOf(match);
    if (!found) continue;
    parts.push({ text: text.slice(last, match.index) }, found);
    last = match.index + found.link.length;
  }
  parts.push({ text: text.slice(last) });
  return parts;
}

/**
 * A text as parts, in order: `{ text }` for plain text and `{ link, href }` for each http(s)
 * address and each phone number (`href` "tel:" and its digits, with "+" if it has one). A ")"
 * closing a "(" in an address stays in it.
 */
export function linkParts(text) {
  return splitLinks(text, URL_RE, webLink)
    .flatMap((part) => (part.href ? [part] : splitLinks(part.text, NUMBER_RE, phoneLink)))
    .filter((part) => part.href || part.text);
}

/**
 * A text as blocks, in order: `{ list: "ol", start, items }` for consecutive lines numbered
 * "1. ", "2. ", ... (`start` the first number), `{ list: "ul", items }` for consecutive lines
 * starting "- ", and `{ text }` for the lines between (the line breaks around a list go). Each
 * item is its line without the number or dash; bidirectional controls before or after the
 * number stay, so isolates stay paired.
 */
export function textBlocks(text) {
  const blocks = [];
  for (const line of text.split("\n")) {
    const item = LIST_LINE.exec(line);
    const last = blocks[blocks.length - 1];
    if (!item) {
      if (last && !last.list) last.text += "\n" + line;
      else blocks.push({ text: line });
      continue;
    }
    const number = item[2] === undefined ? null : Number(item[2]);
    const list = number === null ? "ul" : "ol";
    const follows = last && last.list === list
      && (number === null || number === last.start + last.items.length);
    if (!follows) blocks.push(number === null ? { list, items: [] } : { list, start: number, items: [] });
    blocks[blocks.length - 1].items.push(item[1] + item[3] + item[4]);
  }
  return blocks.filter((block) => block.list || block.text);
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
