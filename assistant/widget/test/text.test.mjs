// Links (web addresses and phone numbers), lists, direction and the length limit, counted in
// characters as the server counts them.
import assert from "node:assert/strict";
import { test } from "node:test";

import { countChars, cutChars, limitText, linkParts, textBlocks, textDir } from "../src/text.js";

const FSI = "\u2068"; // FIRST STRONG ISOLATE, as right-to-left replies wrap left-to-right runs
const PDI = "\u2069"; // POP DIRECTIONAL ISOLATE
const links = (text) => linkParts(text).filter((part) => part.href);

test("web addresses become links; the sentence's punctuation stays outside", () => {
  assert.deepEqual(linkParts("See https://www.nhs.uk/, or (https://example.org/a_(b))."), [
    { text: "See " },
    { link: "https://www.nhs.uk/", href: "https://www.nhs.uk/" },
    { text: ", or (" },
    { link: "https://example.org/a_(b)", href: "https://example.org/a_(b)" },
    { text: ")." },
  ]);
});

test("nothing but http(s) becomes a link", () => {
  assert.deepEqual(linkParts("javascript:alert(1) and ftp://x"), [{ text: "javascript:alert(1) and ftp://x" }]);
});

test("an isolate closing a web address in right-to-left text is not part of the link", () => {
  assert.deepEqual(linkParts(`${FSI}NHS England, https://digital.nhs.uk/x${PDI}`), [
    { text: `${FSI}NHS England, ` },
    { link: "https://digital.nhs.uk/x", href: "https://digital.nhs.uk/x" },
    { text: PDI },
  ]);
});

test("UK phone numbers become tel: links to their digits, the text shown as written", () => {
  const numbers = {
    "0121 465 1500": "tel:01214651500",
    "0121 4651500": "tel:01214651500",
    "01675 470500": "tel:01675470500",
    "0300 555 2000": "tel:03005552000",
    "07700 900123": "tel:07700900123",
    "0800 555 111": "tel:0800555111",
    "016977 3456": "tel:0169773456",
    "0121\u00a0465\u00a01500": "tel:01214651500", // no-break spaces
    "+44 121 465 1500": "tel:+441214651500",
    "+44 (0)121 465 1500": "tel:+441214651500",
  };
  for (const [number, href] of Object.entries(numbers)) {
    assert.deepEqual(linkParts(`Phone: ${number}.`), [
      { text: "Phone: " }, { link: number, href }, { text: "." },
    ], number);
  }
});

test("999, 111 and 116 123 are links as whole numbers", () => {
  assert.deepEqual(linkParts("Call 999 in an emergency, NHS 111, or Samaritans on 116 123."), [
    { text: "Call " },
    { link: "999", href: "tel:999" },
    { text: " in an emergency, NHS " },
    { link: "111", href: "tel:111" },
    { text: ", or Samaritans on " },
    { link: "116 123", href: "tel:116123" },
    { text: "." },
  ]);
  assert.deepEqual(links("1999, 9999, 111.5 km, 1116 123, B111AA, 999th"), []);
});

test("dates, distances, postcodes, years and longer numbers are not phone numbers", () => {
  for (const text of [
    "2026-08-01", "01/08/2026", "01.08.2026", "0.4 km", "10:30", "B11 1LU", "B10 0JL", "in 2022",
    "01214651500123", "101214651500", "0121 465 1500 23", "10 0121 465 1500", "B10 0121 465 1500", "0121 465 1500x",
    "0121 465 150", "04123 456789", "+1 202 555 0100", "+440121 465 1500", "£999", "$111",
  ]) {
    assert.deepEqual(links(text), [], text);
  }
});

test("a practice's line: only its phone number is a link, not its distance or postcode", () => {
  const line = "The Limes Medical Centre – 0.4 km: 172 Northfield Road, B30 1DX – 0121 459 8525";
  assert.deepEqual(linkParts(line), [
    { text: "The Limes Medical Centre – 0.4 km: 172 Northfield Road, B30 1DX – " },
    { link: "0121 459 8525", href: "tel:01214598525" },
  ]);
  assert.deepEqual(linkParts("Shah Zaman Surgery, B10 0JL: 0121 796 4111"), [
    { text: "Shah Zaman Surgery, B10 0JL: " },
    { link: "0121 796 4111", href: "tel:01217964111" },
  ]);
});

test("a phone number inside isolates is a link, the isolates stay text around it", () => {
  assert.deepEqual(linkParts(`فون: ${FSI}0121 465 1500${PDI}`), [
    { text: `فون: ${FSI}` },
    { link: "0121 465 1500", href: "tel:01214651500" },
    { text: PDI },
  ]);
});

test("a number in a web address stays part of the address", () => {
  assert.deepEqual(links("https://example.org/01214651500 and https://example.org/?call=999"), [
    { link: "https://example.org/01214651500", href: "https://example.org/01214651500" },
    { link: "https://example.org/?call=999", href: "https://example.org/?call=999" },
  ]);
});

test("hostile text around a number stays text; a link is only ever tel: and digits", () => {
  assert.deepEqual(linkParts('<img src=x onerror="alert(1)">0121 465 1500'), [
    { text: '<img src=x onerror="alert(1)">' },
    { link: "0121 465 1500", href: "tel:01214651500" },
  ]);
  assert.deepEqual(linkParts("javascript:01214651500 tel:999"), [
    { text: "javascript:" },
    { link: "01214651500", href: "tel:01214651500" },
    { text: " tel:" },
    { link: "999", href: "tel:999" },
  ]);
  assert.deepEqual(links('0121 465 1500"><script>alert(1)</script>'), [
    { link: "0121 465 1500", href: "tel:01214651500" },
  ]);
});

const NEAREST_INTRO = "The GP practices nearest to B11 1LU, with their distance in a straight line (not by road), "
  + "address and phone number:";
const NEAREST = [
  NEAREST_INTRO,
  "1. The Limes Medical Centre – 0.4 km: 172 Northfield Road, B30 1DX – 0121 459 8525",
  "2. Shah Zaman Surgery – 0.9 km: 70 Tangmere Drive, B35 7QX – 0121 465 1500",
  "Source: NHS England (1 August 2026)",
].join("\n");

test("numbered lines are an ordered list between the text before and after", () => {
  assert.deepEqual(textBlocks(NEAREST), [
    { text: NEAREST_INTRO },
    {
      list: "ol",
      start: 1,
      items: [
        "The Limes Medical Centre – 0.4 km: 172 Northfield Road, B30 1DX – 0121 459 8525",
        "Shah Zaman Surgery – 0.9 km: 70 Tangmere Drive, B35 7QX – 0121 465 1500",
      ],
    },
    { text: "Source: NHS England (1 August 2026)" },
  ]);
});

test("lines starting \"- \" are an unordered list", () => {
  const practices = "The GP practices in Small Heath PCN:\n"
    + "- Name, B10 0JL: 0121 796 4111\n- Other, B9 4AA: 0121 772 0398";
  assert.deepEqual(textBlocks(practices), [
    { text: "The GP practices in Small Heath PCN:" },
    { list: "ul", items: ["Name, B10 0JL: 0121 796 4111", "Other, B9 4AA: 0121 772 0398"] },
  ]);
});

test("text without list lines is one block, its line breaks kept", () => {
  const contact = "Shah Zaman Surgery\nAddress: 70 Tangmere Drive, B35 7QX\nPhone: 0121 465 1500\nSource: x";
  assert.deepEqual(textBlocks(contact), [{ text: contact }]);
  assert.deepEqual(textBlocks(""), []);
});

test("a list is numbered in steps of one; a number out of step starts another list", () => {
  assert.deepEqual(textBlocks("3. c\n4. d\n1. a\n- x\n2. b"), [
    { list: "ol", start: 3, items: ["c", "d"] },
    { list: "ol", start: 1, items: ["a"] },
    { list: "ul", items: ["x"] },
    { list: "ol", start: 2, items: ["b"] },
  ]);
});

test("what only looks like a list line stays text", () => {
  const texts = ["1.5 km away", "2026. A year", "-5 degrees", "1.", "- ", "1) first", "a 1. b", "۱. Urdu digits"];
  for (const text of texts) {
    assert.deepEqual(textBlocks(text), [{ text }], text);
  }
});

test("in right-to-left text an isolate before or after the number stays in the item", () => {
  const lines = [
    "قریب ترین:",
    `${FSI}1. The Limes – 0121 459 8525${PDI}`,
    `${FSI}2.${PDI} ${FSI}Shah Zaman${PDI}`,
    `- ${FSI}Name, B10 0JL${PDI}`,
  ].join("\n");
  assert.deepEqual(textBlocks(lines), [
    { text: "قریب ترین:" },
    {
      list: "ol",
      start: 1,
      items: [`${FSI}The Limes – 0121 459 8525${PDI}`, `${FSI}${PDI}${FSI}Shah Zaman${PDI}`],
    },
    { list: "ul", items: [`${FSI}Name, B10 0JL${PDI}`] },
  ]);
});

test("hostile list items stay text", () => {
  assert.deepEqual(textBlocks('1. <img src=x onerror="alert(1)">\n2. javascript:alert(1)'), [
    { list: "ol", start: 1, items: ['<img src=x onerror="alert(1)">', "javascript:alert(1)"] },
  ]);
});

test("a text runs the way its first letter's script does", () => {
  assert.equal(textDir("سلام hello", "ltr"), "rtl");
  assert.equal(textDir("123 hello سلام", "rtl"), "ltr");
  assert.equal(textDir("123 !", "rtl"), "rtl");
});

test("an emoji or a letter outside the BMP is one character", () => {
  assert.equal(countChars("a😀b"), 3);
  assert.equal(cutChars("😀😀😀", 2), "😀😀");
});

test("within the limit nothing is cut", () => {
  assert.deepEqual(limitText("hello", 5, 5), { text: "hello", caret: 5, cut: false });
});

test("typing at the limit: the new character does not go in, the caret stays", () => {
  // "abc|de" with the limit 5: the resident typed "X" at the caret.
  assert.deepEqual(limitText("abcXde", 4, 5), { text: "abcde", caret: 3, cut: true });
});

test("a paste over the limit keeps as much of it as fits, and the text after the caret", () => {
  assert.deepEqual(limitText("ab12345cd", 7, 6), { text: "ab12cd", caret: 4, cut: true });
});

test("more over the limit than before the caret: the rest goes from the end", () => {
  assert.deepEqual(limitText("abcdefgh", 1, 4), { text: "bcde", caret: 0, cut: true });
});

test("emoji are never split when cutting", () => {
  const result = limitText("😀😀😀", 6, 2);
  assert.deepEqual(result, { text: "😀😀", caret: 4, cut: true });
});
