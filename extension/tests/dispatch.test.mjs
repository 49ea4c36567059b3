// The message dispatcher answers only senders a route allows: our pages, or our content script in a top frame.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createDispatcher, senderKind } from "../lib/dispatch.js";

const CTX = { id: "mbejjpmkakjoconhldjellihgnllakcp", origin: "chrome-extension://mbejjpmkakjoconhldjellihgnllakcp" };
const PAGE = { id: CTX.id, url: `${CTX.origin}/warning.html#http://evil.test/`, tab: { id: 3 }, frameId: 0 };
const POPUP = { id: CTX.id, url: `${CTX.origin}/popup.html` };
const CONTENT = { id: CTX.id, url: "https://chat.example/room", tab: { id: 7 }, frameId: 0 };

const KINDS = [
  ["warning page in a tab", PAGE, "page"],
  ["popup (no tab)", POPUP, "page"],
  ["content script, top frame", CONTENT, "content"],
  ["content script in a sub-frame", { ...CONTENT, frameId: 2 }, null],
  ["our page framed inside a web page", { ...PAGE, frameId: 4 }, null],
  ["another extension", { ...POPUP, id: "aaaabbbbccccddddeeeeffffgggghhhh" }, null],
  ["look-alike origin prefix", { ...POPUP, url: `${CTX.origin}.evil.test/popup.html` }, null],
  ["content script on a non-web page", { ...CONTENT, url: "file:///tmp/x.html" }, null],
  ["no sender", undefined, null],
];
for (const [name, sender, kind] of KINDS) {
  test(`senderKind: ${name} -> ${kind}`, () => assert.equal(senderKind(sender, CTX), kind));
}

function run(dispatch, message, sender) {
  return new Promise((resolve) => {
    const pending = dispatch(message, sender, resolve);
    assert.equal(typeof pending, "boolean");
  });
}

const routes = {
  proceed: { from: ["page"], handle: async (msg) => ({ url: msg.url }) },
  checkLinks: { from: ["content"], handle: async (msg, sender) => ({ tab: sender.tab.id, n: msg.urls.length }) },
  boom: { from: ["page"], handle: async () => { throw Object.assign(new Error("bad"), { code: "invalid_url" }); } },
};
const dispatch = createDispatcher(routes, CTX);

const DISPATCH = [
  ["page may proceed", { type: "proceed", url: "http://a.test/" }, PAGE, { ok: true, url: "http://a.test/" }],
  ["content may not proceed", { type: "proceed", url: "http://a.test/" }, CONTENT, { ok: false, error: "forbidden" }],
  ["content may check links", { type: "checkLinks", urls: ["a", "b"] }, CONTENT, { ok: true, tab: 7, n: 2 }],
  ["a page may not pose as a content script", { type: "checkLinks", urls: [] }, PAGE, { ok: false, error: "forbidden" }],
  ["another extension is refused", { type: "proceed" }, { ...POPUP, id: "x" }, { ok: false, error: "forbidden" }],
  ["unknown type", { type: "rm -rf" }, PAGE, { ok: false, error: "unknown_message" }],
  ["prototype keys are not routes", { type: "constructor" }, PAGE, { ok: false, error: "unknown_message" }],
  ["not an object", "proceed", PAGE, { ok: false, error: "unknown_message" }],
  ["handler errors come back as codes", { type: "boom" }, PAGE, { ok: false, error: "invalid_url", message: "bad" }],
];
for (const [name, message, sender, expected] of DISPATCH) {
  test(`dispatch: ${name}`, async () => assert.deepEqual(await run(dispatch, message, sender), expected));
}

const MORE_KINDS = [
  ["a string sender", "chrome-extension://x", null],
  ["a sender without an id", { url: POPUP.url }, null],
  ["our origin itself, no path", { id: CTX.id, url: CTX.origin }, "page"],
  ["our page with a numeric url field", { id: CTX.id, url: 42, tab: { id: 1 }, frameId: 0 }, null],
  ["content script without a tab", { ...CONTENT, tab: undefined }, null],
  ["content script whose tab has no number id", { ...CONTENT, tab: { id: "7" } }, null],
  ["content script without a frame id", { ...CONTENT, frameId: undefined }, null],
  ["content script on http", { ...CONTENT, url: "http://chat.example/" }, "content"],
  ["content script on a URL that only contains http://", { ...CONTENT, url: "view-source:http://chat.example/" }, null],
  ["content script on an extension page of another id", { ...CONTENT, url: "chrome-extension://other/https://x" }, null],
];
for (const [name, sender, kind] of MORE_KINDS) {
  test(`senderKind: ${name} -> ${kind}`, () => assert.equal(senderKind(sender, CTX), kind));
}

test("dispatch: refusals answer at once (false); an accepted message keeps the channel open (true)", async () => {
  const answers = [];
  assert.equal(dispatch({ type: "nope" }, PAGE, (a) => answers.push(a)), false);
  assert.equal(dispatch(null, PAGE, (a) => answers.push(a)), false);
  assert.equal(dispatch({ type: "proceed" }, CONTENT, (a) => answers.push(a)), false);
  assert.deepEqual(answers, [{ ok: false, error: "unknown_message" }, { ok: false, error: "unknown_message" }, { ok: false, error: "forbidden" }]);
  let answer;
  const done = new Promise((resolve) => { answer = resolve; });
  assert.equal(dispatch({ type: "proceed", url: "u" }, PAGE, answer), true);
  assert.deepEqual(await done, { ok: true, url: "u" });
});

test("dispatch: a handler with no result is ok; a thrown non-error is internal and reported", async () => {
  const seen = [];
  const d = createDispatcher({
    quiet: { from: ["page"], handle: async () => undefined },
    odd: { from: ["page"], handle: () => { throw "just text"; } }, // eslint-disable-line no-throw-literal
    plain: { from: ["page"], handle: async () => { throw new Error("no code"); } },
  }, CTX, { onError: (type, error) => seen.push([type, String(error && error.message || error)]) });
  assert.deepEqual(await run(d, { type: "quiet" }, PAGE), { ok: true });
  assert.deepEqual(await run(d, { type: "odd" }, PAGE), { ok: false, error: "internal", message: "just text" });
  assert.deepEqual(await run(d, { type: "plain" }, PAGE), { ok: false, error: "internal", message: "no code" });
  assert.deepEqual(seen, [["odd", "just text"], ["plain", "no code"]]);
  const silent = createDispatcher({ odd: { from: ["page"], handle: () => { throw new Error("x"); } } }, CTX);
  assert.deepEqual(await run(silent, { type: "odd" }, PAGE), { ok: false, error: "internal", message: "x" });
});
