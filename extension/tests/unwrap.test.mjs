// Unwrapping in the extension: the same answers as the service, from the same (generated) patterns.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { MAX_NESTED, unquote, unwrapAll, unwrapOnce, worstOf } from "../lib/unwrap.js";
import { WRAPPERS } from "../lib/wrappers-data.js";

const here = new URL(".", import.meta.url);
const shared = JSON.parse(readFileSync(new URL("unwrap-cases.json", here), "utf8"));
const reference = JSON.parse(readFileSync(new URL("../../blocklists/reference/wrappers.json", here), "utf8"));
const enc = encodeURIComponent;
const BAD = "https://evil-phish.test/login?a=1&b=2";

test("the extension's patterns are the service's reference file, unchanged", () => {
  assert.deepEqual(WRAPPERS, reference);
});

for (const [link, inner] of shared.cases) {
  test(`same as the service: ${link.slice(0, 70)}`, () => {
    assert.deepEqual(unwrapAll(link).map((f) => f.url), inner);
  });
}

test("a script inside is a scheme-only, non-web hop", () => {
  assert.deepEqual(unwrapOnce("https://www.youtube.com/redirect?q=javascript%3Aalert(1)"), { url: "javascript:", provider: "youtube", web: false });
});

test("nesting is bounded", () => {
  let url = BAD;
  for (let i = 0; i < MAX_NESTED + 3; i++) url = `https://www.google.com/url?q=${enc(url)}`;
  assert.equal(unwrapAll(url).length, MAX_NESTED);
});

test("a host the pattern only starts is not a wrapper", () => {
  assert.deepEqual(unwrapAll(`https://l.facebook.com.evil.test/l.php?u=${enc(BAD)}`), []);
  assert.deepEqual(unwrapAll(`https://instagram.com.evil.test/?u=${enc(BAD)}`), []);
});

test("unquote is Python's: bad UTF-8 becomes U+FFFD, a lone % stays", () => {
  assert.equal(unquote("a%20b%zz%"), "a b%zz%");
  assert.equal(unquote("%E2%82%AC%FF"), "€\uFFFD");
});

test("not a URL, or oversized: nothing", () => {
  assert.deepEqual(unwrapAll("https://www.youtube.com/redirect?q=hello"), []);
  assert.deepEqual(unwrapAll(`https://www.youtube.com/redirect?q=${enc("https://x.test/")}${"a".repeat(8200)}`), []);
  assert.deepEqual(unwrapAll("not a url"), []);
});

test("the worst answer of a link and its inner URLs decides", () => {
  const safe = { verdict: "safe" };
  const bad = { verdict: "dangerous" };
  const odd = { verdict: "suspicious" };
  assert.equal(worstOf([safe, bad]), bad);
  assert.equal(worstOf([undefined, odd]), odd);
  assert.equal(worstOf([odd, bad, safe]), bad);
  assert.equal(worstOf([safe, undefined]), safe);
  assert.equal(worstOf([undefined, undefined]), undefined);
});
