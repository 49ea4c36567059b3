// When an arrival (server redirect, commit elsewhere, history change) gets a check of its own.
import { test } from "node:test";
import assert from "node:assert/strict";
import { arrivalToCheck } from "../lib/arrival.js";

const PROCEEDED = { kind: "proceeded", url: "http://bad.test/start" };
const CASES = [
  // [name, raw, latest, state, expected]
  ["a redirect to another site", "http://evil.test/x", "http://fine.test/", null, "http://evil.test/x"],
  ["the URL checked already", "http://fine.test/", "http://fine.test/", null, null],
  ["the same URL with a fragment", "http://fine.test/#top", "http://fine.test/", null, null],
  ["a tab we know nothing of", "https://a.test/p", undefined, null, "https://a.test/p"],
  ["a non-web URL", "chrome-extension://abc/warning.html#x", "http://fine.test/", null, null],
  ["a javascript: URL", "javascript:alert(1)", "http://fine.test/", null, null],
  ["not a string", undefined, "http://fine.test/", null, null],
  ["inside a proceeded page's origin", "http://bad.test/login/", "http://bad.test/start", PROCEEDED, null],
  ["a proceeded page sending elsewhere", "http://worse.test/", "http://bad.test/start", PROCEEDED, "http://worse.test/"],
  ["a proceeded page moving to https (another origin)", "https://bad.test/start", "http://bad.test/start", PROCEEDED, "https://bad.test/start"],
  ["a page that was allowed, not proceeded", "http://fine.test/next", "http://fine.test/", { kind: "allow", url: "http://fine.test/" }, "http://fine.test/next"],
];
for (const [name, raw, latest, state, expected] of CASES) {
  test(`arrivalToCheck: ${name}`, () => {
    assert.equal(arrivalToCheck(raw, latest, state), expected);
  });
}

test("arrivalToCheck: only a URL that starts with http(s) is a web arrival", () => {
  assert.equal(arrivalToCheck("view-source:http://evil.test/", "http://fine.test/", null), null);
  assert.equal(arrivalToCheck("HTTPS://Evil.test/x", "http://fine.test/", null), "https://evil.test/x");
  assert.equal(arrivalToCheck(new URL("http://evil.test/"), "http://fine.test/", null), null);
});
