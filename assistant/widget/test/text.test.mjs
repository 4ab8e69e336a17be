// Links, direction and the length limit, counted in characters as the server counts them.
import assert from "node:assert/strict";
import { test } from "node:test";

import { countChars, cutChars, limitText, linkParts, textDir } from "../src/text.js";

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
