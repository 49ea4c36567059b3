// declarativeNetRequest rules: the regex matches exactly one URL, hostile characters included.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  escapeRegex,
  urlRegex,
  redirectRule,
  proceedRule,
  ruleEligible,
  navigationStart,
  navigationEnds,
  domainRegex,
  domainRule,
  domainsToProtect,
  PROCEED_PRIORITY,
  BLOCK_PRIORITY,
} from "../lib/rules.js";
import { toUnicodeHost } from "../lib/punycode.js";

const URLS = [
  "http://evil-phish.test/",
  "http://evil.test/a.b?c=d&e=(f)|g*h+i$[j]{k}",
  "https://xn--80ak6aa92e.com/login",
  "http://evil.test/%22%3E%3Cscript%3Ealert(1)%3C/script%3E",
];
for (const url of URLS) {
  test(`urlRegex matches only ${url}`, () => {
    const re = new RegExp(urlRegex(url));
    assert.ok(re.test(url));
    assert.ok(!re.test(`${url}x`));
    assert.ok(!re.test(url.replace("evil", "evxl")) || !url.includes("evil"));
    assert.ok(!re.test(`http://other.test/?u=${url}`));
  });
}

test("the fragment never takes part", () => {
  assert.equal(urlRegex("http://a.test/x#frag"), urlRegex("http://a.test/x"));
});

test("escapeRegex escapes every RE2 metacharacter", () => {
  const meta = "\\^$.*+?()[]{}|/";
  assert.ok(new RegExp(`^${escapeRegex(meta)}$`).test(meta));
});

test("redirect rule points at the warning page with the URL in the hash", () => {
  const rule = redirectRule(5, "http://evil.test/", "chrome-extension://id/warning.html");
  assert.equal(rule.action.redirect.url, "chrome-extension://id/warning.html#http://evil.test/");
  assert.deepEqual(rule.condition.resourceTypes, ["main_frame"]);
  assert.equal(rule.priority, BLOCK_PRIORITY);
});

test("proceed rule is a higher-priority allow for one tab", () => {
  const rule = proceedRule(6, "http://evil.test/", 12);
  assert.equal(rule.action.type, "allow");
  assert.deepEqual(rule.condition.tabIds, [12]);
  assert.ok(rule.priority > BLOCK_PRIORITY && rule.priority === PROCEED_PRIORITY);
});

for (const [url, ok] of [["http://a.test/", true], ["javascript:alert(1)", false], [`http://a.test/${"x".repeat(2000)}`, false], [null, false]]) {
  test(`ruleEligible(${String(url).slice(0, 30)}) = ${ok}`, () => assert.equal(ruleEligible(url), ok));
}

// The rule table a navigation meets. Times in ms; the redirect rule for BAD was in force from 1000 on.
const BAD = "http://evil.test/";
const OTHER = "http://other.test/";
const RULED = { [BAD]: { id: 101, expires: 1e9, added: 1000 } };
const allowance = (over) => ({ 7: { id: 102, url: BAD, consumed: false, at: 5000, ...over } });
const START_CASES = [
  // [name, table, url, startedAt, now, expected]
  ["a ruled URL is stopped by its rule", { urls: RULED, proceed: {} }, BAD, 2000, 2000, { how: "protected", consume: false, drop: false }],
  ["a rule added after the request left stopped nothing", { urls: RULED, proceed: {} }, BAD, 900, 2000, { how: "check", consume: false, drop: false }],
  ["an expired rule stops nothing", { urls: { [BAD]: { id: 1, expires: 1500, added: 1000 } }, proceed: {} }, BAD, 2000, 2000, { how: "check", consume: false, drop: false }],
  ["rules from before `added` existed still count", { urls: { [BAD]: { id: 1, expires: 1e9 } }, proceed: {} }, BAD, 2000, 2000, { how: "protected", consume: false, drop: false }],
  ["the proceeded navigation uses the allowance", { urls: RULED, proceed: allowance() }, BAD, 5001, 5002, { how: "proceeded", consume: true, drop: false }],
  ["a navigation older than the allowance does not use it", { urls: RULED, proceed: allowance() }, BAD, 4999, 5002, { how: "check", consume: false, drop: false }],
  ["an allowance older than a minute is dropped", { urls: RULED, proceed: allowance() }, BAD, 70_000, 70_000, { how: "check", consume: false, drop: true }],
  ["the next visit while the used allow rule is live is checked", { urls: RULED, proceed: allowance({ consumed: true }) }, BAD, 6000, 6000, { how: "check", consume: false, drop: true }],
  ["another URL in that tab keeps its own rule, ends the allowance", { urls: { [OTHER]: { id: 9, expires: 1e9, added: 10 } }, proceed: allowance({ consumed: true }) }, OTHER, 6000, 6000, { how: "protected", consume: false, drop: true }],
  ["another tab is not covered by the allow rule", { urls: RULED, proceed: { 8: allowance()[7] } }, BAD, 6000, 6000, { how: "protected", consume: false, drop: false }],
  ["a visit started before the allow rule was removed is checked", { urls: RULED, proceed: {}, ended: { 7: { url: BAD, at: 6500 } } }, BAD, 6400, 6600, { how: "check", consume: false, drop: false }],
  ["a visit started after the allow rule was removed is stopped", { urls: RULED, proceed: {}, ended: { 7: { url: BAD, at: 6500 } } }, BAD, 6600, 6600, { how: "protected", consume: false, drop: false }],
];
for (const [name, table, url, startedAt, now, expected] of START_CASES) {
  test(`navigationStart: ${name}`, () => assert.deepEqual(navigationStart(table, 7, url, startedAt, now), expected));
}

const END_CASES = [
  // [name, proceed, url, failed, ends]
  ["the proceeded page commits", allowance({ consumed: true }), BAD, false, true],
  ["it redirected and committed elsewhere", allowance({ consumed: true }), OTHER, false, true],
  ["the proceeded navigation failed", allowance({ consumed: true }), BAD, true, true],
  ["an older load the tab dropped reports an error", allowance({ consumed: true }), OTHER, true, false],
  ["a commit before the proceeded navigation started (the warning page)", allowance(), "chrome-extension://id/warning.html", false, false],
  ["no allowance", {}, BAD, false, false],
];
for (const [name, proceed, url, failed, ends] of END_CASES) {
  test(`navigationEnds: ${name}`, () => assert.equal(navigationEnds({ urls: {}, proceed }, 7, url, failed), ends));
}

// Domain rules: every URL on a domain a dangerous result condemns as a whole.
const DOMAIN_MATCHES = [
  ["http://evil.test/", true],
  ["https://a.b.evil.test:8443/x?y=1#z", true],
  ["http://evil.test", true],
  ["http://u:p@evil.test/login", true],
  ["http://notevil.test/", false],
  ["http://evil.test.other/", false],
  ["http://evilxtest/", false],
  ["http://other.test/?u=http://evil.test/", false],
  ["http://other.test/evil.test/", false],
  ["http://evil.test@other.test/", false],
  ["ftp://evil.test/", false],
];
for (const [url, expected] of DOMAIN_MATCHES) {
  test(`domainRegex(evil.test) ${expected ? "matches" : "does not match"} ${url}`, () => {
    assert.equal(new RegExp(domainRegex("evil.test")).test(url), expected);
  });
}

test("domain rule sends the whole URL to the warning page (RE2 substitution)", () => {
  const rule = domainRule(9, "evil.test", "chrome-extension://id/warning.html");
  assert.equal(rule.priority, BLOCK_PRIORITY);
  assert.deepEqual(rule.condition.resourceTypes, ["main_frame"]);
  const url = "http://x.evil.test/a?b=c";
  const match = new RegExp(rule.condition.regexFilter).exec(url);
  assert.equal(rule.action.redirect.regexSubstitution.replace("\\1", match[1]), `chrome-extension://id/warning.html#${url}`);
});

const listed = (entry, score = 90) => ({ code: "blocklist.match", score, evidence: { list: "x", category: "phishing", entry } });
const look = (host, code = "lookalike.skeleton", score = 90) => ({ code, score, evidence: { target: "facebook.com", host, site: host } });
const verdictOn = (finalUrl, reasons, verdict = "dangerous") => ({ verdict, final_url: finalUrl, reasons });
const PROTECT_CASES = [
  ["a listed domain entry covers the host", verdictOn("http://a.evil.test/x", [listed("evil.test")]), ["evil.test"]],
  ["a listed URL entry condemns only its URL", verdictOn("http://evil.test/x", [listed("http://evil.test/x")]), []],
  ["an entry for another domain (an earlier hop's) condemns nothing here", verdictOn("http://site.test/", [listed("evil.test")]), []],
  ["a lookalike finding about the final host", verdictOn("http://www.faceb00k.com/login", [look("www.faceb00k.com")]), ["www.faceb00k.com"]],
  ["an IDN lookalike in Unicode evidence, punycode URL", verdictOn("http://xn--fcebook-2fg.com/", [look("f\u0430cebook.com"), look("f\u0430cebook.com", "idn.mixed_script")]), ["xn--fcebook-2fg.com"]],
  ["a lookalike about another host", verdictOn("http://final.test/", [look("faceb00k.com")]), []],
  ["a finding too weak on its own", verdictOn("http://momo2s.com/", [look("momo2s.com", "lookalike.combosquat", 60), { code: "url.suspicious_tld", score: 25, evidence: {} }]), []],
  ["a lure or structural reason is about the URL", verdictOn("http://x.test/", [{ code: "invite.group_chat", score: 90, evidence: { host: "x.test" } }]), []],
  ["not dangerous, no domain rule", verdictOn("http://a.evil.test/", [listed("evil.test")], "suspicious"), []],
  ["an IPv6 host keeps per-URL rules", verdictOn("http://[::1]/", [listed("::1")]), []],
  ["garbage from a broken service", { verdict: "dangerous", final_url: 7, reasons: "x" }, []],
  ["reasons that are not objects", verdictOn("http://evil.test/", [null, 3, { code: "blocklist.match", score: "90", evidence: { entry: "evil.test" } }]), []],
];
for (const [name, result, expected] of PROTECT_CASES) {
  test(`domainsToProtect: ${name}`, () => assert.deepEqual(domainsToProtect(result, toUnicodeHost), expected));
}

const DOMAIN_TABLE = (over) => ({ urls: {}, domains: { "evil.test": { id: 201, expires: 1e9, added: 1000, ...over } }, proceed: {} });
const DOMAIN_START_CASES = [
  ["any URL on a ruled domain is stopped", DOMAIN_TABLE(), "http://evil.test/other", 2000, "protected"],
  ["a subdomain too", DOMAIN_TABLE(), "https://login.evil.test/x", 2000, "protected"],
  ["not a look-alike name", DOMAIN_TABLE(), "http://notevil.test/", 2000, "check"],
  ["a domain rule added after the request left", DOMAIN_TABLE(), "http://evil.test/other", 900, "check"],
  ["an expired domain rule", DOMAIN_TABLE({ expires: 1500 }), "http://evil.test/other", 2000, "check"],
];
for (const [name, table, url, startedAt, how] of DOMAIN_START_CASES) {
  test(`navigationStart: ${name}`, () => assert.equal(navigationStart(table, 7, url, startedAt, 2000).how, how));
}

test("rule shapes: exactly what declarativeNetRequest is given", () => {
  const page = "chrome-extension://id/warning.html";
  assert.deepEqual(redirectRule(5, "http://evil.test/a?b=1", page), {
    id: 5, priority: BLOCK_PRIORITY,
    action: { type: "redirect", redirect: { url: `${page}#http://evil.test/a?b=1` } },
    condition: { regexFilter: "^http:\\/\\/evil\\.test\\/a\\?b=1$", resourceTypes: ["main_frame"] },
  });
  assert.deepEqual(domainRule(6, "evil.test", page).action, { type: "redirect", redirect: { regexSubstitution: `${page}#\\1` } });
  assert.deepEqual(proceedRule(7, "http://evil.test/", 42), {
    id: 7, priority: PROCEED_PRIORITY, action: { type: "allow" },
    condition: { regexFilter: "^http:\\/\\/evil\\.test\\/$", resourceTypes: ["main_frame"], tabIds: [42] },
  });
});

test("ruleEligible: http(s) at the start only, up to the RE2 size bound", async () => {
  const { MAX_RULE_URL } = await import("../lib/rules.js");
  const at = (n) => `http://a.test/${"x".repeat(n - "http://a.test/".length)}`;
  assert.equal(ruleEligible(at(MAX_RULE_URL)), true);
  assert.equal(ruleEligible(at(MAX_RULE_URL + 1)), false);
  assert.equal(ruleEligible("view-source:http://a.test/"), false);
  assert.equal(ruleEligible(new URL("http://a.test/")), false);
});

const LONG_HOST = `${"a".repeat(62)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(63)}`; // 254 characters
const EDGE_PROTECT = [
  ["a score of exactly 70 is dangerous on its own", verdictOn("http://evil.test/", [listed("evil.test", 70)]), ["evil.test"]],
  ["69 is not", verdictOn("http://evil.test/", [listed("evil.test", 69)]), []],
  ["an entry with a trailing dot and capitals", verdictOn("http://a.evil.test/", [listed("Evil.Test.")]), ["evil.test"]],
  ["an entry that is not a string", verdictOn("http://evil.test/", [listed(5)]), []],
  ["evidence that is not an object", verdictOn("http://evil.test/", [{ code: "blocklist.match", score: 90, evidence: "evil.test" }]), []],
  ["a code that only contains lookalike", verdictOn("http://evil.test/", [look("evil.test", "url.lookalike")]), []],
  ["an idn finding about the host", verdictOn("http://evil.test/", [look("evil.test", "idn.whole_script")]), ["evil.test"]],
  ["a finding with no host", verdictOn("http://evil.test/", [look(undefined)]), []],
  ["an unparsable final URL", verdictOn("not a url", [listed("evil.test")]), []],
  ["a host of 254 characters is too long for a domain rule", verdictOn(`http://${LONG_HOST}/`, [look(LONG_HOST)]), []],
  ["253 characters is not", verdictOn(`http://${LONG_HOST.slice(1)}/`, [look(LONG_HOST.slice(1))]), [LONG_HOST.slice(1)]],
  ["a host starting with a dash", verdictOn("http://-evil.test/", [look("-evil.test")]), []],
  ["a host ending with a dash", verdictOn("http://evil.test-/", [look("evil.test-")]), []],
  ["an IPv4 host", verdictOn("http://203.0.113.9/", [listed("203.0.113.9")]), ["203.0.113.9"]],
  ["the entry must be a domain", verdictOn("http://a.evil.test/", [listed("*.evil.test")]), []],
  ["two reasons about the same domain give one rule", verdictOn("http://a.evil.test/", [listed("evil.test"), listed("EVIL.test")]), ["evil.test"]],
];
for (const [name, result, expected] of EDGE_PROTECT) {
  test(`domainsToProtect: ${name}`, () => assert.deepEqual(domainsToProtect(result, toUnicodeHost), expected));
}

test("domainsToProtect without a Unicode mapper compares ASCII only", () => {
  const result = verdictOn("http://xn--fcebook-2fg.com/", [look("f\u0430cebook.com")]);
  assert.deepEqual(domainsToProtect(result), []);
  assert.deepEqual(domainsToProtect(verdictOn("http://xn--fcebook-2fg.com/", [look("xn--fcebook-2fg.com")])), ["xn--fcebook-2fg.com"]);
});

const EDGE_START = [
  // the allowance is live for exactly ALLOWANCE_MS; a navigation starting at the very moment uses it
  ["an allowance exactly a minute old still counts", { urls: RULED, proceed: allowance() }, BAD, 5000, 65_000, { how: "proceeded", consume: true, drop: false }],
  ["a minute and a millisecond is stale", { urls: RULED, proceed: allowance() }, BAD, 5000, 65_001, { how: "check", consume: false, drop: true }],
  ["a visit started the moment the allow rule was removed is checked", { urls: RULED, proceed: {}, ended: { 7: { url: BAD, at: 6500 } } }, BAD, 6500, 6600, { how: "check", consume: false, drop: false }],
  ["a rule expiring this very moment stops nothing", { urls: { [BAD]: { id: 1, expires: 2000, added: 1000 } }, proceed: {} }, BAD, 2000, 2000, { how: "check", consume: false, drop: false }],
  ["a rule added the moment the request left stops it", { urls: { [BAD]: { id: 1, expires: 1e9, added: 2000 } }, proceed: {} }, BAD, 2000, 2000, { how: "protected", consume: false, drop: false }],
  ["a removed allow rule for another URL bypasses nothing", { urls: RULED, proceed: {}, ended: { 7: { url: OTHER, at: 6500 } } }, BAD, 6400, 6600, { how: "protected", consume: false, drop: false }],
  ["an allowance for another URL in this tab: this one is still stopped", { urls: RULED, proceed: allowance({ url: OTHER }) }, BAD, 6000, 6000, { how: "protected", consume: false, drop: false }],
];
for (const [name, table, url, startedAt, now, expected] of EDGE_START) {
  test(`navigationStart: ${name}`, () => assert.deepEqual(navigationStart(table, 7, url, startedAt, now), expected));
}
