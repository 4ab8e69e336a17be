// The settings the server injects, the partner's data- attributes, and the interface texts.
import assert from "node:assert/strict";
import { test } from "node:test";

import { createTexts, fill, languageList, readSettings } from "../src/settings.js";

const PAGE = { href: "https://partner.example/services/" };
const tag = (src, dataset = {}) => ({ src, dataset, nonce: "" });

test("the server is the script's origin unless data-server names another", () => {
  const own = readSettings({}, tag("https://assistant.example/widget/widget.js"), PAGE);
  assert.equal(own.origin, "https://assistant.example");
  assert.equal(own.base, "https://assistant.example/widget/");
  assert.equal(own.socketPath, "/socket.io");
  const proxied = readSettings({}, tag("https://cdn.example/w/widget.js", { server: "https://nhs.example/bot/" }), PAGE);
  assert.equal(proxied.origin, "https://nhs.example");
  assert.equal(proxied.socketPath, "/bot/socket.io");
  assert.equal(proxied.storeKey, "bsol-assistant:https://nhs.example/bot");
});

test("the limits come from the server, with safe defaults", () => {
  const given = readSettings({ maxMessageChars: 250, replyTimeoutSeconds: 5, connectTimeoutSeconds: 3 }, null, PAGE);
  assert.deepEqual([given.maxChars, given.replyMs, given.connectMs], [250, 5000, 3000]);
  const missing = readSettings({ maxMessageChars: "lots" }, null, PAGE);
  assert.deepEqual([missing.maxChars, missing.replyMs, missing.connectMs], [1000, 20000, 10000]);
});

test("the partner's options", () => {
  const options = readSettings({}, tag("https://a.example/widget.js", { position: "left", colour: "#330072", open: "true" }), PAGE);
  assert.deepEqual([options.position, options.colour, options.openOnLoad], ["left", "#330072", true]);
  const none = readSettings({}, tag("https://a.example/widget.js", { position: "top" }), PAGE);
  assert.deepEqual([none.position, none.colour, none.openOnLoad], ["right", null, false]);
});

test("without languages the widget still speaks English", () => {
  const languages = languageList(readSettings({ languages: [] }, null, PAGE).languages);
  assert.equal(languages.fallback.code, "en");
  assert.equal(languages.dir("ur"), "ltr");
});

test("a text missing in a language is the English one; a new one has its English fallback", () => {
  const texts = createTexts({ en: { send: "Send", retry: "Try again" }, ur: { send: "بھیجیں" } }, () => "ur");
  assert.equal(texts.t("send"), "بھیجیں");
  assert.equal(texts.t("retry"), "Try again");
  assert.equal(texts.t("send", "en"), "Send");
  assert.equal(texts.t("unknown"), "");
  assert.match(texts.t("message_too_long", null, { max: "1,000" }), /limit of 1,000 characters/);
  assert.equal(texts.has("send", "ur"), true);
  assert.equal(texts.has("retry", "ur"), false);
});

test("the server's text wins over the fallback", () => {
  const texts = createTexts({ en: { characters_used: "{count}/{max}" } }, () => "en");
  assert.equal(texts.t("characters_used", null, { count: 950, max: 1000 }), "950/1000");
});

test("placeholders are filled, and left when there is no value", () => {
  assert.equal(fill("{count} of {max}", { count: 3 }), "3 of {max}");
});
