// The message helpers: the 8 KiB cut never splits a character, a link is told from a message, stash ids.

import { test } from "node:test";
import assert from "node:assert/strict";
import { cleanMessage, isSingleLink, MAX_TEXT_BYTES, newStashId, pruneStash } from "../lib/messagetext.js";

test("cleanMessage keeps a short message, refuses empty ones and drops NUL", () => {
  assert.equal(cleanMessage("Đừng nói với bố mẹ"), "Đừng nói với bố mẹ");
  assert.equal(cleanMessage("   \n "), null);
  assert.equal(cleanMessage(42), null);
  assert.equal(cleanMessage("a\u0000b"), "ab");
});

test("cleanMessage cuts to the byte limit at a character boundary", () => {
  const text = "ệ".repeat(5000); // 3 bytes each
  const cut = cleanMessage(text);
  const bytes = new TextEncoder().encode(cut).length;
  assert.ok(bytes <= MAX_TEXT_BYTES && bytes > MAX_TEXT_BYTES - 3);
  assert.ok([...cut].every((c) => c === "ệ"));
});

for (const [input, single] of [
  ["vietcombank-xacminh.top/login", true],
  ["  https://zalo.me/g/abc  ", true],
  ["Vào vietcombank-xacminh.top/login nhé", false],
  ["line one\nline two", false],
  ["", false],
]) {
  test(`isSingleLink(${JSON.stringify(input)}) is ${single}`, () => assert.equal(isSingleLink(input), single));
}

test("stash ids are random hex, and the stash keeps the newest entries", () => {
  const a = newStashId();
  assert.match(a, /^[0-9a-f]{24}$/u);
  assert.notEqual(a, newStashId());
  const stash = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`id${i}`, { text: "x", at: i }]));
  assert.deepEqual(Object.keys(pruneStash(stash, 3)).sort(), ["id5", "id6", "id7"]);
  assert.deepEqual(pruneStash(null), {});
});

test("a cut keeps every byte the limit allows, and an empty input is no link", () => {
  assert.equal(cleanMessage("a".repeat(10), 5), "aaaaa");
  assert.equal(cleanMessage("aaaa€", 6), "aaaa"); // € is 3 bytes: 7 would not fit
  assert.equal(cleanMessage("aaa€b", 6), "aaa€");
  assert.equal(isSingleLink(""), false);
  assert.equal(isSingleLink(null), false);
  assert.equal(isSingleLink(undefined), false);
});

test("the newest stashed messages are kept; entries without a time count as oldest", () => {
  const stash = { old: { at: 1 }, none: null, bare: {}, newest: { at: 9 }, mid: { at: 5 } };
  assert.deepEqual(Object.keys(pruneStash(stash, 2)), ["newest", "mid"]);
  assert.deepEqual(Object.keys(pruneStash(stash, 3)), ["newest", "mid", "old"]);
  assert.deepEqual(pruneStash("not a stash"), {});
});
