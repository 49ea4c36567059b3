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
