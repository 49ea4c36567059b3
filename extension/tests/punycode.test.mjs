// Punycode decoding against Node's own RFC 3492 implementation (node:punycode) as the oracle: RFC samples,
// random round trips through the encoder, random garbage, and the edges where the two differ on purpose.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { decodeLabel, toUnicodeHost } from "../lib/punycode.js";

const oracle = createRequire(import.meta.url)("punycode/"); // the npm copy: node:punycode is deprecated

function expected(input) {
  let out;
  try {
    out = oracle.decode(input);
  } catch {
    return null;
  }
  return /[\ud800-\udfff]/u.test(out.replace(/[\ud800-\udbff][\udc00-\udfff]/gu, "")) ? null : out;
}

// A small deterministic PRNG (mulberry32) so a failure names the same case every run.
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// RFC 3492 section 7.1 samples (Punycode forms as printed there, mixed case included).
const RFC = [
  "egbpdaj6bu4bxfgehfvwxn", // Arabic
  "ihqwcrb4cv8a8dqg056pqjye", // Chinese (simplified)
  "Proprostnemluvesky-uyb24dma41a", // Czech
  "4dbcagdahymbxekheh6e0a7fei0b", // Hebrew
  "b1abfaaepdrnnbgefbaDotcwatmq2g4l", // Russian, with an uppercase D
  "PorqunopuedensimplementehablarenEspaol-fmd56a", // Spanish
  "TisaohkhngthchnitingVit-kjcr8268qyxafd2f1b9g", // Vietnamese
  "3B-ww4c5e180e575a65lsy2b",
  "-with-SUPER-MONKEYS-pc58ag80a8qai00g7n9n",
  "Hello-Another-Way--fc4qua05auwb3674vfr0b",
  "2-u9tlzr9756bt3uc0v",
  "MajiKoi5-783gue6qz075azm5e",
  "de-jg4avhby1noc0d",
  "d9juau41awczczp",
  "-> $1.00 <--",
];
for (const sample of RFC) {
  test(`RFC 3492 sample ${sample}`, () => {
    assert.equal(decodeLabel(sample), oracle.decode(sample));
  });
}

test("random Unicode labels survive encoding then decoding", () => {
  const next = random(17);
  const ranges = [[0x61, 0x7a], [0xe0, 0x1ff], [0x300, 0x36f], [0x391, 0x3c9], [0x400, 0x4ff], [0x5d0, 0x5ea],
    [0x600, 0x6ff], [0xe00, 0xe7f], [0x1e00, 0x1eff], [0x3040, 0x30ff], [0x4e00, 0x9fff], [0xac00, 0xd7a3],
    [0x1f300, 0x1faff], [0x20000, 0x2a6df], [0x10fff0, 0x10ffff]];
  for (let n = 0; n < 3000; n += 1) {
    const chars = [];
    const length = 1 + Math.floor(next() * 40);
    for (let j = 0; j < length; j += 1) {
      const [lo, hi] = ranges[Math.floor(next() * ranges.length)];
      chars.push(String.fromCodePoint(lo + Math.floor(next() * (hi - lo + 1))));
    }
    const text = chars.join("");
    const encoded = oracle.encode(text);
    assert.equal(decodeLabel(encoded), text, encoded);
    const cut = encoded.lastIndexOf("-") + 1; // the digits in capitals mean the same; basic letters keep their case
    assert.equal(decodeLabel(encoded.slice(0, cut) + encoded.slice(cut).toUpperCase()), text, `${encoded}, digits in capitals`);
  }
});

test("random ASCII strings decode exactly when the oracle decodes them", () => {
  const next = random(42);
  const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.@[`{/:";
  for (let n = 0; n < 20000; n += 1) {
    const length = Math.floor(next() * 16);
    let text = "";
    for (let j = 0; j < length; j += 1) text += alphabet[Math.floor(next() * alphabet.length)];
    assert.equal(decodeLabel(text), expected(text), JSON.stringify(text));
  }
});

test("invalid Punycode is null: bad digits, a cut-off number, overflow, surrogates, non-ASCII basics", () => {
  for (const bad of ["a-!", "a-b", "zz", "99999999999", "ab-" + "9".repeat(20), "ü-tda", "tda\u00fc", "-9", "a-@", "a-[",
    "a-`", "a-{", "a-/", "a-:"]) {
    assert.equal(decodeLabel(bad), null, bad);
  }
  for (const lone of ["\ud800", "a\udfff", "\udbff\u00fc"]) {
    assert.equal(oracle.decode(oracle.encode(lone)), lone); // the oracle decodes a lone surrogate ...
    assert.equal(decodeLabel(oracle.encode(lone)), null, lone); // ... which is no character a host can hold
  }
  assert.equal(decodeLabel(oracle.encode("\u{10ffff}")), "\u{10ffff}");
  assert.equal(decodeLabel(oracle.encode("\ud7ff\ue000")), "\ud7ff\ue000");
});

test("length: 253 characters are decoded, 254 are not; non-strings are null", () => {
  assert.equal(decodeLabel(`${"a".repeat(252)}-`), "a".repeat(252));
  assert.equal(decodeLabel(`${"a".repeat(253)}-`), null);
  assert.equal(decodeLabel(""), "");
  assert.equal(decodeLabel(null), null);
  assert.equal(decodeLabel(42), null);
});

test("toUnicodeHost decodes xn-- labels in any case and keeps what does not decode", () => {
  assert.equal(toUnicodeHost("www.XN--80ak6aa92e.com"), "www.аррӏе.com");
  assert.equal(toUnicodeHost("xn--tda.xn--p1ai"), "ü.рф");
  assert.equal(toUnicodeHost("xn--.xn--a-!.plain"), "xn--.xn--a-!.plain");
  assert.equal(toUnicodeHost("axn--tda.com"), "axn--tda.com");
});
