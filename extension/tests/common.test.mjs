// ui/common.js in a DOM (jsdom): el() builds nodes with text as text, skips empty attributes and
// children; renderUrl gives each segment its class. Found under-tested by `make mutate`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { JSDOM } from "jsdom";

const { window } = new JSDOM("<!doctype html><body></body>");
globalThis.document = window.document;
const { el, renderUrl } = await import("../ui/common.js");
const t = (key, subs) => (subs ? `${key}(${subs.join(",")})` : key);

test("el: text is text, empty attribute values are left out, class and children as given", () => {
  const node = el("p", { a: undefined, b: null, c: false, "data-k": 0, d: "", class: "x y", text: "<b>hi</b>" }, null, undefined, "!", el("i", {}));
  assert.equal(node.tagName, "P");
  assert.deepEqual(node.getAttributeNames().sort(), ["class", "d", "data-k"]);
  assert.equal(node.getAttribute("data-k"), "0");
  assert.equal(node.className, "x y");
  assert.equal(node.textContent, "<b>hi</b>!");
  assert.equal(node.querySelector("b"), null);
  assert.deepEqual([...node.childNodes].map((n) => n.nodeName), ["#text", "#text", "I"]);
});

test("renderUrl: classes per segment, highlight classes only where marked, notes per flag", () => {
  const { box, notes } = renderUrl("http://user@faceb00k.test:81/p", t);
  assert.equal(box.className, "url");
  assert.equal(box.getAttribute("data-testid"), "url");
  assert.deepEqual([...box.children].map((s) => [s.textContent, s.className]), [
    ["http://", "seg-scheme"],
    ["user@", "seg-userinfo hl hl-userinfo"],
    ["faceb", "seg-domain"],
    ["00", "seg-domain hl hl-digits"],
    ["k", "seg-domain"],
    [".", "seg-dot"],
    ["test", "seg-domain"],
    [":81", "seg-port"],
    ["/p", "seg-path"],
  ]);
  assert.deepEqual([...notes.children].map((li) => li.textContent), ["flagDigits", "flagUserinfo"]);
});

test("renderUrl: punycode notes name the ASCII form; an IP is flagged; no flags, no notes", () => {
  const idn = renderUrl("https://xn--80ak6aa92e.com/", t).notes;
  assert.deepEqual([...idn.children].map((li) => [li.textContent, li.className]), [
    ["flagConfusable", ""], ["flagPunycode", ""], ["labelShownAs(xn--80ak6aa92e.com)", "ascii"],
  ]);
  assert.deepEqual([...renderUrl("http://10.0.0.1/", t).notes.children].map((li) => li.textContent), ["flagIp"]);
  assert.equal(renderUrl("https://example.com/", t).notes, null);
});

test("renderUrl: text that is not a URL is one plain path segment", () => {
  const { box, notes } = renderUrl("<img src=x>", t);
  assert.deepEqual([...box.children].map((s) => [s.textContent, s.className]), [["<img src=x>", "seg-path"]]);
  assert.equal(box.querySelector("img"), null);
  assert.equal(notes, undefined);
});
