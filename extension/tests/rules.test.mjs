// declarativeNetRequest rules: the regex matches exactly one URL, hostile characters included.
import { test } from "node:test";
import assert from "node:assert/strict";
import { escapeRegex, urlRegex, redirectRule, proceedRule, ruleEligible, PROCEED_PRIORITY, BLOCK_PRIORITY } from "../lib/rules.js";

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
