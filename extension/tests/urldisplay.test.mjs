// URL display: segments (never HTML), the registrable domain, punycode and confusable parts highlighted.
import { test } from "node:test";
import assert from "node:assert/strict";
import { domainToUnicode } from "node:url";
import { describeUrl, segmentsText, registrableLabelCount } from "../lib/urldisplay.js";
import { decodeLabel, toUnicodeHost } from "../lib/punycode.js";

// Punycode decoding checked against Node's own IDNA implementation (WHATWG URL, UTS #46).
const IDN_HOSTS = [
  "xn--80ak6aa92e.com", // аррӏе.com, the Cyrillic "apple" of the 2017 Zheng demo
  "xn--fsqu00a.xn--0zwm56d", // 例子.测试 (IANA IDN test TLD)
  "xn--bcher-kva.example",
  "xn--vit-nam-kwa.vn", // Việt-nam style diacritics
  "xn--tt-lka.vn",
  "example.com",
];
for (const host of IDN_HOSTS) {
  test(`toUnicodeHost(${host}) matches node:url`, () => assert.equal(toUnicodeHost(host), domainToUnicode(host)));
}

for (const bad of ["a-\u00e9", "99999999999", "-"]) {
  test(`decodeLabel rejects or survives ${JSON.stringify(bad)}`, () => {
    const out = decodeLabel(bad);
    assert.ok(out === null || typeof out === "string");
  });
}

test("a broken xn-- label is shown as it is, not as garbage", () => {
  assert.equal(toUnicodeHost("xn--zzzzzzzzzzzzzzzzzzzz9999.com"), toUnicodeHost("xn--zzzzzzzzzzzzzzzzzzzz9999.com"));
  assert.equal(toUnicodeHost("xn--.com"), "xn--.com");
});

const REGISTRABLE = [
  [["example", "com"], 2],
  [["www", "example", "com"], 2],
  [["www", "hcmus", "edu", "vn"], 3],
  [["login", "facebook", "com", "evil", "test"], 2],
  [["localhost"], 1],
];
for (const [labels, n] of REGISTRABLE) {
  test(`registrableLabelCount(${labels.join(".")}) = ${n}`, () => assert.equal(registrableLabelCount(labels), n));
}

function pick(desc, predicate) {
  return desc.segments.filter(predicate).map((s) => s.text).join("");
}

const CASES = [
  {
    name: "plain https link",
    url: "https://www.example.com/path?q=1",
    domain: "example.com",
    flags: [],
    highlighted: "",
  },
  {
    name: "brand as subdomain of another site",
    url: "http://facebook.com.login.evil.test/",
    domain: "evil.test",
    flags: [],
    highlighted: "",
  },
  {
    name: "Cyrillic apple in punycode",
    url: "https://xn--80ak6aa92e.com/",
    domain: "аррӏе.com",
    flags: ["confusable", "punycode"],
    highlighted: "аррӏе",
  },
  {
    name: "digit swap faceb00k",
    url: "http://faceb00k-login.test/",
    domain: "faceb00k-login.test",
    flags: ["digits"],
    highlighted: "00",
  },
  {
    name: "userinfo pretending to be the site",
    url: "http://facebook.com@evil.test/",
    domain: "evil.test",
    flags: ["userinfo"],
    highlighted: "facebook.com@",
  },
  {
    name: "IP literal",
    url: "http://192.168.1.1:8080/admin",
    domain: "192.168.1.1",
    flags: ["ip"],
    highlighted: "192.168.1.1",
  },
  {
    name: "Vietnamese IDN under edu.vn",
    url: "https://xn--trng-hoc-iic4085e.edu.vn/",
    domain: "trường-hoc.edu.vn",
    flags: ["confusable", "punycode"],
    highlighted: "ườ",
  },
];
for (const c of CASES) {
  test(`describeUrl: ${c.name}`, () => {
    const d = describeUrl(c.url);
    assert.equal(d.ok, true);
    const first = d.segments.findIndex((s) => s.kind === "domain");
    const last = d.segments.findLastIndex((s) => s.kind === "domain");
    assert.equal(segmentsText(d.segments.slice(first, last + 1)), c.domain);
    assert.deepEqual(d.flags, c.flags);
    assert.equal(pick(d, (s) => s.highlight), c.highlighted);
    for (const s of d.segments) assert.equal(typeof s.text, "string");
  });
}

test("describeUrl keeps hostile text as plain segments", () => {
  const raw = 'http://evil.test/"><script>alert(1)</script>?q=\'x\'';
  const d = describeUrl(raw);
  assert.equal(d.ok, true);
  assert.equal(segmentsText(d.segments), new URL(raw).href);
});

test("describeUrl of a non-URL returns the text, not a crash", () => {
  assert.deepEqual(describeUrl("<img src=x onerror=alert(1)>"), { ok: false, text: "<img src=x onerror=alert(1)>", flags: [] });
  assert.equal(describeUrl(undefined).ok, false);
});

test("punycode segments carry the ASCII form for the 'shown as' line", () => {
  const d = describeUrl("https://xn--80ak6aa92e.com/");
  assert.ok(d.segments.some((s) => s.punycode === "xn--80ak6aa92e"));
  assert.equal(d.hostAscii, "xn--80ak6aa92e.com");
});

// Every segment with its kind (the page's CSS classes), found unchecked by `make mutate`.
const SEGMENTS = [
  ["http://login.evil.test:8080/a?b#c", [["http://", "scheme"], ["login", "subdomain"], [".", "dot"], ["evil", "domain"], [".", "dot"], ["test", "domain"], [":8080", "port"], ["/a?b#c", "path"]]],
  ["https://evil.test/", [["https://", "scheme"], ["evil", "domain"], [".", "dot"], ["test", "domain"], ["/", "path"]]],
  ["https://evil.test", [["https://", "scheme"], ["evil", "domain"], [".", "dot"], ["test", "domain"], ["/", "path"]]],
  ["http://1.2.3.4:81/x", [["http://", "scheme"], ["1.2.3.4", "domain"], [":81", "port"], ["/x", "path"]]],
  ["http://a-xn--b.test/", [["http://", "scheme"], ["a-xn--b", "domain"], [".", "dot"], ["test", "domain"], ["/", "path"]]],
];
for (const [url, expected] of SEGMENTS) {
  test(`describeUrl segments of ${url}`, () => {
    const d = describeUrl(url);
    assert.deepEqual(d.segments.map((s) => [s.text, s.kind]), expected);
    assert.ok(!d.flags.includes("punycode"), "xn-- only counts at the start of a label");
  });
}

// Every segment of a URL, in order, with its kind, highlight and punycode form (what the warning page draws).
const S = (text, kind, highlight, punycode) => ({ text, kind, ...(highlight ? { highlight } : {}), ...(punycode ? { punycode } : {}) });
const EXACT = [
  ["https://user:pw@xn--80ak6aa92e.xn--80ak6aa92e.com:8443/a/b?q=1#f",
    [S("https://", "scheme"), S("user:pw@", "userinfo", "userinfo"), S("аррӏе", "subdomain", "confusable", "xn--80ak6aa92e"), S(".", "dot"),
      S("аррӏе", "domain", "confusable", "xn--80ak6aa92e"), S(".", "dot"), S("com", "domain"), S(":8443", "port"), S("/a/b?q=1#f", "path")],
    "аррӏе.аррӏе.com", ["confusable", "punycode", "userinfo"]],
  ["http://login.faceb00k.co.uk/",
    [S("http://", "scheme"), S("login", "subdomain"), S(".", "dot"), S("faceb", "domain"), S("00", "domain", "digits"), S("k", "domain"),
      S(".", "dot"), S("co", "domain"), S(".", "dot"), S("uk", "domain"), S("/", "path")],
    "login.faceb00k.co.uk", ["digits"]],
  ["http://[::1]:8080/x", [S("http://", "scheme"), S("[::1]", "domain", "ip"), S(":8080", "port"), S("/x", "path")], "[::1]", ["ip"]],
  ["http://1.2.3.4/", [S("http://", "scheme"), S("1.2.3.4", "domain", "ip"), S("/", "path")], "1.2.3.4", ["ip"]],
  ["http://1.2.3.4x.test/",
    [S("http://", "scheme"), S("1", "subdomain"), S(".", "dot"), S("2", "subdomain"), S(".", "dot"), S("3", "subdomain"), S(".", "dot"),
      S("4x", "domain"), S(".", "dot"), S("test", "domain"), S("/", "path")], "1.2.3.4x.test", []],
  ["http://x.test1/", [S("http://", "scheme"), S("x", "domain"), S(".", "dot"), S("test1", "domain"), S("/", "path")], "x.test1", []],
  ["http://g00gle1a.com/?",
    [S("http://", "scheme"), S("g", "domain"), S("00", "domain", "digits"), S("gle", "domain"), S("1", "domain", "digits"), S("a", "domain"),
      S(".", "dot"), S("com", "domain"), S("/", "path")], "g00gle1a.com", ["digits"]],
  ["http://a.test", [S("http://", "scheme"), S("a", "domain"), S(".", "dot"), S("test", "domain"), S("/", "path")], "a.test", []],
  ["http://a.test/#x", [S("http://", "scheme"), S("a", "domain"), S(".", "dot"), S("test", "domain"), S("/#x", "path")], "a.test", []],
  ["http://user%40x@evil.test/",
    [S("http://", "scheme"), S("user@x@", "userinfo", "userinfo"), S("evil", "domain"), S(".", "dot"), S("test", "domain"), S("/", "path")],
    "evil.test", ["userinfo"]],
  ["http://%E0%A4%A@x.test/", // not decodable: shown as it came
    [S("http://", "scheme"), S("%E0%A4%A@", "userinfo", "userinfo"), S("x", "domain"), S(".", "dot"), S("test", "domain"), S("/", "path")],
    "x.test", ["userinfo"]],
  ["http://only:@x.test/",
    [S("http://", "scheme"), S("only@", "userinfo", "userinfo"), S("x", "domain"), S(".", "dot"), S("test", "domain"), S("/", "path")],
    "x.test", ["userinfo"]],
  // a trailing dot names no label: the registrable domain is still evil.test
  ["http://a.evil.test./",
    [S("http://", "scheme"), S("a", "subdomain"), S(".", "dot"), S("evil", "domain"), S(".", "dot"), S("test", "domain"), S(".", "dot"),
      S("/", "path")], "a.evil.test.", []],
  // ... under a two-level suffix too (the empty last label must not hide co.uk)
  ["http://login.evil.co.uk./",
    [S("http://", "scheme"), S("login", "subdomain"), S(".", "dot"), S("evil", "domain"), S(".", "dot"), S("co", "domain"), S(".", "dot"),
      S("uk", "domain"), S(".", "dot"), S("/", "path")], "login.evil.co.uk.", []],
  ["http://xn--fcebook-2fg.com/",
    [S("http://", "scheme"), S("f", "domain", undefined, "xn--fcebook-2fg"), S("а", "domain", "confusable", "xn--fcebook-2fg"),
      S("cebook", "domain", undefined, "xn--fcebook-2fg"), S(".", "dot"), S("com", "domain"), S("/", "path")], "fаcebook.com", ["confusable", "punycode"]],
];
for (const [url, segments, host, flags] of EXACT) {
  test(`describeUrl, every segment: ${url}`, () => {
    const d = describeUrl(url);
    assert.deepEqual(d.segments, segments);
    assert.deepEqual([d.ok, d.host, d.hostAscii, d.flags], [true, host, new URL(url).hostname, flags]);
  });
}

test("registrableLabelCount: every second-level label under a two-letter TLD, and what is not one", () => {
  for (const second of ["ac", "co", "com", "edu", "gov", "int", "mil", "net", "org", "biz", "info", "name", "pro", "health", "or", "ne", "go"]) {
    assert.equal(registrableLabelCount(["x", second, "vn"]), 3, second);
  }
  assert.equal(registrableLabelCount(["x", "shop", "vn"]), 2);
  assert.equal(registrableLabelCount(["x", "com", "info"]), 2); // the TLD is not a country code
  assert.equal(registrableLabelCount(["vn"]), 1);
  assert.equal(registrableLabelCount(["a", "vn"]), 2);
  assert.equal(registrableLabelCount(["a", "b", "c", "d"]), 2);
  assert.equal(registrableLabelCount([]), 0);
});
