// Unwrapping in the extension: the same answers as the service, from the same (generated) patterns.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { MAX_DECODE, MAX_NESTED, MAX_URL_BYTES, buildTable, unquote, unwrapAll, unwrapOnce, worstOf } from "../lib/unwrap.js";
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

// A table of its own, as tests/test_wrappers.py builds one: providers and additions both count.
const X = buildTable({
  providers: { x: { urlPattern: "https?://(?:[a-z0-9-]+\\.)*?x\\.test", redirections: ["https?://(?:[a-z0-9-]+\\.)*?x\\.test/r\\?u=([^&]*)", "https?://x\\.test/out/(.*)$", "https?://x\\.test/\\?go=([^&]*)"] } },
  additions: { short: { urlPattern: "https?://s\\.test", redirections: ["https?://s\\.test[^?]*\\?u=([^&]*)"] } },
});
const INNER = "http://inner.test/";
const found = (url, provider = "x", web = true) => ({ url, provider, web });
const OWN = [
  [`http://x.test/r?u=${enc(INNER)}`, found(INNER)],
  [`HTTP://WWW.X.TEST/r?u=${enc(INNER)}&h=1`, found(INNER)],
  [`  x.test/r?u=${enc(INNER)}  `, found(INNER)], // no scheme, spaces around: taken as http
  [`http://x.test./r?u=${enc(INNER)}`, found(INNER)], // a trailing dot on the host
  [`http://x.test/out/${enc(INNER)}`, found(INNER)],
  [`http://x.test?go=${enc(INNER)}`, found(INNER)],
  [`http://x.test/r?u=${enc("javascript:alert(1)")}`, found("javascript:", "x", false)],
  [`http://x.test/r?u=%01%20${enc(INNER)}%20%1F`, found(INNER)], // control characters stripped at both ends
  [`http://x.test/r?u=${enc(`${INNER}a!`)}`, found(`${INNER}a!`)],
  [`http://x.test/r?u=${enc("http://")}`, null], // no host
  [`http://x.test/r?u=`, null],
  [`http://s.test/r?u=${enc(INNER)}`, found(INNER, "short")],
  [`http://s.testevil.zz/r?u=${enc(INNER)}`, null], // the pattern stops before the host does
  [`ftp://x.test/r?u=${enc(INNER)}`, null],
  ["http://x.test:99999/r?u=x", null], // not a URL
];
for (const [link, expected] of OWN) {
  test(`unwrapOnce with a table of its own: ${link.trim().slice(0, 60)}`, () => assert.deepEqual(unwrapOnce(link, X), expected));
}

test(`a parameter encoded up to ${MAX_DECODE} times is decoded, not more`, () => {
  let value = INNER;
  for (let rounds = 1; rounds <= MAX_DECODE + 1; rounds++) {
    value = enc(value);
    const got = unwrapOnce(`http://x.test/r?u=${enc(value)}`, X);
    assert.deepEqual(got, rounds < MAX_DECODE ? found(INNER) : null, `rounds ${rounds}`);
  }
});

test("an inner URL of exactly the byte limit is kept, one byte more is not", () => {
  const fits = INNER + "a".repeat(MAX_URL_BYTES - INNER.length);
  assert.deepEqual(unwrapOnce(`http://x.test/out/${fits}`, X), found(fits));
  assert.equal(unwrapOnce(`http://x.test/out/${fits}a`, X), null);
  assert.equal(unwrapOnce(`http://x.test/out/${INNER}${"é".repeat((MAX_URL_BYTES - INNER.length) / 2 + 1)}`, X), null); // bytes, not characters
});

test("unwrapAll: nested wrappers outermost first; a script ends the chain; a repeat ends it", () => {
  const two = `http://x.test/r?u=${enc(`http://s.test/r?u=${enc(INNER)}`)}`;
  assert.deepEqual(unwrapAll(two, X), [found(`http://s.test/r?u=${enc(INNER)}`), found(INNER, "short")]);
  const script = `http://x.test/r?u=${enc(`http://s.test/r?u=${enc("javascript:x")}`)}`;
  assert.deepEqual(unwrapAll(script, X).map((f) => f.url), [`http://s.test/r?u=${enc("javascript:x")}`, "javascript:"]);
  const self = "http://x.test/out/http://x.test/out/http://x.test/out/";
  assert.deepEqual(unwrapAll(self, X).map((f) => f.url), ["http://x.test/out/http://x.test/out/", "http://x.test/out/"]);
  assert.deepEqual(unwrapAll(INNER, X), []);
});

test("the first of equally bad answers is kept", () => {
  const a = { verdict: "suspicious", id: "a" };
  const b = { verdict: "suspicious", id: "b" };
  assert.equal(worstOf([a, b]), a);
  assert.equal(worstOf([{ verdict: "weird" }, a]).id, "a");
  assert.equal(worstOf([]), undefined);
});

test("unquote: a run of escapes is one UTF-8 sequence; text without % is returned as it is", () => {
  assert.equal(unquote("%E1%BB%87t"), "ệt");
  assert.equal(unquote("plain"), "plain");
  assert.equal(unquote("%41%4"), "A%4");
});
