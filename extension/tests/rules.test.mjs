// declarativeNetRequest rules: the regex matches exactly one URL, hostile characters included.
import { test } from "node:test";
import assert from "node:assert/strict";
import { escapeRegex, urlRegex, redirectRule, proceedRule, ruleEligible, navigationStart, navigationEnds, PROCEED_PRIORITY, BLOCK_PRIORITY } from "../lib/rules.js";

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
