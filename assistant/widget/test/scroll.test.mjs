// Where the list scrolls when a reply arrives: the newest reply always in view.
import assert from "node:assert/strict";
import { test } from "node:test";

import { atEnd, replyScrollTop } from "../src/scroll.js";

const VIEW = 400;

test("replies that fit are shown from the first since the resident's message", () => {
  // first reply at 1000, newest 1100-1200: all of it fits in 400 px
  assert.equal(replyScrollTop({ anchorTop: 1000, newestTop: 1100, newestBottom: 1200, viewHeight: VIEW }), 992);
});

test("after many quick messages the view follows the newest reply, not the first", () => {
  // twenty replies since the first, at 1000; the newest at 5000-5100
  const top = replyScrollTop({ anchorTop: 1000, newestTop: 5000, newestBottom: 5100, viewHeight: VIEW });
  assert.equal(top, 5100 + 8 - VIEW);
  assert.ok(top <= 5000 && top + VIEW >= 5100, "the newest reply is wholly in view");
});

test("a newest reply taller than the view is shown from its start", () => {
  assert.equal(replyScrollTop({ anchorTop: 1000, newestTop: 1200, newestBottom: 2000, viewHeight: VIEW }), 1192);
});

test("never above the top", () => {
  assert.equal(replyScrollTop({ anchorTop: 0, newestTop: 4, newestBottom: 50, viewHeight: VIEW }), 0);
});

test("near the end counts as reading the newest messages", () => {
  assert.equal(atEnd({ scrollTop: 560, scrollHeight: 1000, clientHeight: 400 }), true);
  assert.equal(atEnd({ scrollTop: 300, scrollHeight: 1000, clientHeight: 400 }), false);
});
