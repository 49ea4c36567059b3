// The trusted-adult message: defanged link, the strongest reason, the page's words.
import { test } from "node:test";
import assert from "node:assert/strict";
import { defang, mainReason, trustedAdultMessage } from "../lib/share.js";

for (const [raw, expected] of [
  ["http://evil.test/login?x=1", "hxxp://evil[.]test/login?x=1"],
  ["https://a.b.example:8443/", "hxxps://a[.]b[.]example:8443/"],
  ["not a url.example", "not a url[.]example"],
]) {
  test(`defang(${raw})`, () => assert.equal(defang(raw), expected));
}

test("mainReason picks the highest score", () => {
  const result = { reasons: [{ score: 10, message: "short link" }, { score: 60, message: "fake Facebook" }, { score: 90 }] };
  assert.equal(mainReason(result), "fake Facebook");
  assert.equal(mainReason({}), "");
});

test("trustedAdultMessage uses the translator and never the live link", () => {
  const t = (key, subs) => `${key}${subs ? `(${subs.join(",")})` : ""}`;
  const msg = trustedAdultMessage({ url: "http://evil.test/", result: { reasons: [{ score: 5, message: "m" }] }, t });
  assert.equal(msg.title, "shareTitle");
  assert.equal(msg.text, ["shareIntro", "hxxp://evil[.]test/", "shareReason(m)", "shareAsk"].join("\n"));
  assert.ok(!msg.text.includes("http://evil.test"));
});

test("defang: only a leading http becomes hxxp; the fragment is dropped; the port stays", () => {
  assert.equal(defang("https://http.example/http?x=http#frag"), "hxxps://http[.]example/http?x=http");
  assert.equal(defang(new URL("http://a.b.test/")), "hxxp://a[.]b[.]test/");
});

test("mainReason: reasons without a message, odd scores and odd entries are passed over", () => {
  const result = { reasons: [null, 7, { score: 99, message: "" }, { score: 99, message: 5 }, { score: "x", message: "unscored" },
    { score: 20, message: "low" }, { message: "no score" }, { score: 50, message: "high" }] };
  assert.equal(mainReason(result), "high");
  assert.equal(mainReason({ reasons: [{ message: "no score" }, { score: -1, message: "negative" }] }), "no score");
  assert.equal(mainReason({ reasons: [{ score: "30", message: "a string score" }, { score: 20, message: "b" }] }), "a string score");
  assert.equal(mainReason({ reasons: "nope" }), "");
  assert.equal(mainReason(null), "");
});

test("trustedAdultMessage without a reason has no reason line", () => {
  const t = (key) => key;
  const msg = trustedAdultMessage({ url: "http://evil.test/", result: { reasons: [] }, t });
  assert.equal(msg.text, ["shareIntro", "hxxp://evil[.]test/", "shareAsk"].join("\n"));
});
