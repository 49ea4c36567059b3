// verdict -> action table, proceed targets and the "good enough to decide a navigation" rule.
import { test } from "node:test";
import assert from "node:assert/strict";
import { actionFor, blocksNavigation, markerFor, sufficientForNavigation, proceedTarget, canProceed, cacheUrl, isCheckable } from "../lib/verdict.js";

const OPEN = { failMode: "open", allowProceed: true };
const CLOSED = { failMode: "closed", allowProceed: true };

const ACTIONS = [
  ["safe answer", { result: { verdict: "safe" } }, OPEN, "allow"],
  ["suspicious answer", { result: { verdict: "suspicious" } }, OPEN, "caution"],
  ["dangerous answer", { result: { verdict: "dangerous" } }, CLOSED, "warn"],
  ["unreachable, fail open", { error: { code: "unreachable" } }, OPEN, "notice"],
  ["unreachable, fail closed", { error: { code: "unreachable" } }, CLOSED, "unverified"],
  ["unknown verdict word, fail closed", { result: { verdict: "maybe" } }, CLOSED, "unverified"],
  ["nothing at all, fail open", undefined, OPEN, "notice"],
  ["no settings defaults to open", { error: { code: "timeout" } }, undefined, "notice"],
];
for (const [name, outcome, settings, kind] of ACTIONS) {
  test(`actionFor: ${name} -> ${kind}`, () => {
    assert.equal(actionFor(outcome, settings).kind, kind);
  });
}

test("blocksNavigation: warn, caution, unverified block; allow and notice do not", () => {
  const blocked = ["allow", "caution", "warn", "notice", "unverified"].filter((kind) => blocksNavigation({ kind }));
  assert.deepEqual(blocked, ["caution", "warn", "unverified"]);
});

for (const [verdict, marker] of [["safe", null], ["suspicious", "suspicious"], ["dangerous", "dangerous"], [undefined, null], ["<b>", null]]) {
  test(`markerFor(${verdict}) = ${marker}`, () => assert.equal(markerFor(verdict), marker));
}

const SUFFICIENT = [
  ["full check", { mode: "auto", result: { verdict: "safe", reasons: [{ code: "redirect.shortener" }] } }, true],
  ["batch dangerous", { mode: "never", result: { verdict: "dangerous", reasons: [{ code: "blocklist.match" }] } }, true],
  ["batch safe without reasons", { mode: "never", result: { verdict: "safe", reasons: [] } }, true],
  ["batch safe with a shortener reason", { mode: "never", result: { verdict: "safe", reasons: [{ code: "redirect.shortener" }] } }, false],
  ["no entry", null, false],
];
for (const [name, entry, expected] of SUFFICIENT) {
  test(`sufficientForNavigation: ${name}`, () => assert.equal(sufficientForNavigation(entry), expected));
}

const TARGETS = [
  ["http://evil.test/a?b=1", "http://evil.test/a?b=1"],
  ["https://xn--80ak6aa92e.com/", "https://xn--80ak6aa92e.com/"],
  ["javascript:alert(1)", null],
  ["JaVaScRiPt:alert(document.domain)", null],
  [" javascript:alert(1)", null],
  ["data:text/html,<script>alert(1)</script>", null],
  ["file:///etc/passwd", null],
  ["chrome://settings", null],
  ["//evil.test/", null],
  ["not a url", null],
  ["", null],
];
for (const [raw, expected] of TARGETS) {
  test(`proceedTarget(${JSON.stringify(raw)})`, () => assert.equal(proceedTarget(raw), expected));
}

const PROCEED = [
  ["dangerous, allowed", "https://evil.test/", "warn", { allowProceed: true }, true],
  ["dangerous, turned off by school", "https://evil.test/", "warn", { allowProceed: false }, false],
  ["can't verify, turned off", "https://evil.test/", "unverified", { allowProceed: false }, false],
  ["caution stays advisory", "https://zalo.me/g/abc", "caution", { allowProceed: false }, true],
  ["javascript never", "javascript:alert(1)", "caution", { allowProceed: true }, false],
];
for (const [name, url, kind, settings, expected] of PROCEED) {
  test(`canProceed: ${name}`, () => assert.equal(canProceed({ url, kind, settings }), expected));
}

test("cacheUrl drops the fragment and rejects non-URLs", () => {
  assert.equal(cacheUrl("http://a.test/x#frag"), "http://a.test/x");
  assert.equal(cacheUrl("::"), null);
});

const CHECKABLE = [
  ["http://a.test/", true],
  ["https://a.test/", true],
  ["http://127.0.0.1:8080/v1/check", false],
  ["ftp://a.test/", false],
  ["chrome-extension://abc/warning.html", false],
  ["about:blank", false],
];
for (const [url, expected] of CHECKABLE) {
  test(`isCheckable(${url})`, () => assert.equal(isCheckable(url, "http://127.0.0.1:8080"), expected));
}
