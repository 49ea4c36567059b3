// The warning page in a DOM (jsdom): every part it decodes or receives stays text, never markup.
// Each case loads warning.html, runs ui/warning.js against a worker that answers with hostile data,
// and checks no element was made from it. Chromium runs the same page in tests/e2e.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";

const read = (path) => readFileSync(new URL(path, import.meta.url), "utf8");
const HTML = read("../warning.html");
const CATALOG = JSON.parse(read("../_locales/en/messages.json"));
const ORIGIN = "chrome-extension://mbejjpmkakjoconhldjellihgnllakcp";

// Markup that would become an element if any part of the page parsed text as HTML.
const IMG = "<img src=x id=injected>";
const IMG_ENCODED = "%3Cimg%20src=x%20id=injected%3E";
const SCRIPT = "<script id=injected2>window.pwned=1</script>";

let worker = () => ({ ok: false });
const sent = [];
globalThis.chrome = {
  runtime: {
    sendMessage: async (message) => {
      sent.push(message);
      return worker(message);
    },
    getURL: (path) => `${ORIGIN}/${path}`,
  },
};
globalThis.fetch = async (url) => {
  assert.equal(String(url), `${ORIGIN}/_locales/en/messages.json`);
  return { json: async () => CATALOG };
};

let loads = 0;
/** Open warning.html#raw (and ?search) with `answer(message)` as the worker; resolves when ready. */
async function openWarning(raw, answer, search = "") {
  const dom = new JSDOM(HTML, { url: `${ORIGIN}/warning.html${search}#${raw}` });
  const { window } = dom;
  Object.assign(globalThis, { window, document: window.document, location: window.location, history: window.history, FormData: window.FormData });
  Object.defineProperty(globalThis, "navigator", { value: window.navigator, configurable: true, writable: true });
  sent.length = 0;
  worker = (message) => (message.type === "settings" ? { ok: true, lang: "en" } : answer(message));
  loads += 1;
  await import(`../ui/warning.js?load=${loads}`);
  for (let i = 0; i < 200 && window.document.body.dataset.ready !== "1"; i += 1) await new Promise((r) => setTimeout(r, 5));
  assert.equal(window.document.body.dataset.ready, "1", "the page never finished rendering");
  return window.document;
}

function verdict(result, kind = "warn", canProceed = true) {
  return (message) => (message.type === "verdict" ? { ok: true, outcome: { result }, action: { kind }, canProceed } : { ok: false });
}

function assertNoMarkup(doc) {
  assert.equal(doc.getElementById("injected"), null, "markup became an <img>");
  assert.equal(doc.getElementById("injected2"), null, "markup became a <script>");
  assert.equal(doc.querySelectorAll("main img, main script").length, 0);
}

const text = (doc, selector) => doc.querySelector(selector).textContent;
const DANGEROUS = { verdict: "dangerous", score: 100, reasons: [{ code: "blocklist.match", message: "On a list", advice: "Do not open it" }], redirects: [], suggestion: null };

// The decoded parts of the URL: userinfo (percent-decoded), IDN labels (punycode-decoded).
const URL_CASES = [
  ["userinfo decoded to markup", `http://${IMG_ENCODED}@evil.test/`, `http://${IMG}@evil.test/`, ["The part before @"]],
  ["userinfo with a password", `http://a:${IMG_ENCODED}@evil.test/`, `http://a:${IMG}@evil.test/`, ["The part before @"]],
  ["IDN host with markup in the userinfo", `http://%3Cb%3Ex%3C%2Fb%3E@xn--80ak6aa92e.com/`, "http://<b>x</b>@аррӏе.com/", ["another alphabet", "computer letters: xn--80ak6aa92e.com"]],
  ["IDN host, confusable letters", "https://xn--80ak6aa92e.com/login", "https://аррӏе.com/login", ["another alphabet", "only look alike"]],
  ["markup in path and query", `http://evil.test/${IMG_ENCODED}?q=${IMG_ENCODED}`, `http://evil.test/${IMG_ENCODED}?q=${IMG_ENCODED}`, []],
];
for (const [name, raw, shown, notes] of URL_CASES) {
  test(`warning page: ${name} is shown as text`, async () => {
    const doc = await openWarning(raw, verdict(DANGEROUS));
    assertNoMarkup(doc);
    assert.equal(text(doc, "[data-testid=url]"), shown);
    const noteText = doc.querySelector(".url-notes") ? text(doc, ".url-notes") : "";
    for (const note of notes) assert.ok(noteText.includes(note), `${note} missing from ${noteText}`);
    assert.equal(doc.body.dataset.kind, "warn");
  });
}

test("warning page: the userinfo is its own highlighted segment, the domain after it", async () => {
  const doc = await openWarning(`http://facebook.com@evil.test/`, verdict(DANGEROUS));
  assert.equal(text(doc, ".seg-userinfo.hl-userinfo"), "facebook.com@");
  assert.deepEqual([...doc.querySelectorAll(".seg-domain")].map((n) => n.textContent), ["evil", "test"]);
});

test("warning page: a hash that is not a URL is text, and the page says it cannot open it", async () => {
  const doc = await openWarning(`javascript:alert(1)//${IMG}`, () => assert.fail("the worker is not asked"));
  assertNoMarkup(doc);
  assert.equal(doc.body.dataset.kind, "invalid");
  // The fragment arrives percent-encoded (URL standard) and is never decoded on this path.
  assert.equal(text(doc, "[data-testid=url]"), `javascript://alert(1)//${IMG_ENCODED}`);
  assert.ok(doc.querySelector("[data-testid=proceed-refused]"));
  assert.equal(doc.getElementById("proceed"), null);
  assert.equal(doc.getElementById("details").open, true);
});

test("warning page: reasons from the service are text, codes only in an attribute", async () => {
  const result = { ...DANGEROUS, score: 97, reasons: [{ code: `x.${IMG}`, message: `Bad ${IMG}`, advice: SCRIPT }, null, "junk", { code: "url.long" }] };
  const doc = await openWarning("http://evil.test/", verdict(result));
  assertNoMarkup(doc);
  const items = [...doc.querySelectorAll("#reason-list li")];
  assert.deepEqual(items.map((li) => li.querySelector("strong").textContent), [`Bad ${IMG}`, "url.long"]);
  assert.equal(items[0].dataset.code, `x.${IMG}`);
  assert.equal(items[0].querySelector(".advice").textContent, SCRIPT);
  assert.equal(items[1].querySelector(".advice"), null);
  assert.equal(text(doc, "#score"), "Risk score: 97 out of 100");
  assert.equal(doc.getElementById("reasons").hidden, false);
});

test("warning page: no reasons says so, and a score that is not a number is not shown", async () => {
  const doc = await openWarning("http://evil.test/", verdict({ ...DANGEROUS, reasons: "none", score: "99", redirects: "none" }));
  assert.deepEqual([...doc.querySelectorAll("#reason-list li")].map((li) => li.textContent), ["No details from the service."]);
  assert.equal(text(doc, "#score"), "");
  assert.equal(doc.querySelectorAll("#hop-list > li").length, 0);
  assert.equal(doc.getElementById("redirects").hidden, true);
});

test("warning page: a reason with neither message nor a string code is an empty line", async () => {
  const doc = await openWarning("http://evil.test/", verdict({ ...DANGEROUS, reasons: [{}] }));
  const item = doc.querySelector("#reason-list li");
  assert.equal(item.dataset.code, "");
  assert.equal(item.querySelector("strong").textContent, "");
});

test("warning page: the redirect chain shows every hop as text, with how it got there", async () => {
  const redirects = [
    { url: "http://short.test/x", status: 301, via: "start" },
    { url: `http://${IMG_ENCODED}@hop.test/`, status: 302, via: IMG },
    { url: IMG, status: null, via: "meta" },
    { url: 42 },
    null,
    { url: "https://xn--80ak6aa92e.com/", status: 200, via: "" },
  ];
  const doc = await openWarning("http://short.test/x", verdict({ ...DANGEROUS, redirects }));
  assertNoMarkup(doc);
  const hops = [...doc.querySelectorAll("#hop-list > li")];
  assert.deepEqual(hops.map((li) => li.querySelector("[data-testid=url]").textContent), [
    "http://short.test/x",
    `http://${IMG}@hop.test/`,
    IMG,
    "https://аррӏе.com/",
  ]);
  assert.deepEqual(hops.map((li) => (li.querySelector(".muted") ? li.querySelector(".muted").textContent : null)), [
    " (301, start)",
    ` (302, ${IMG})`,
    " (meta)",
    " (200)",
  ]);
  assert.equal(doc.getElementById("redirects").hidden, false);
});

test("warning page: one hop is no chain", async () => {
  const doc = await openWarning("http://evil.test/", verdict({ ...DANGEROUS, redirects: [{ url: "http://evil.test/", status: 200 }] }));
  assert.equal(doc.getElementById("redirects").hidden, true);
  assert.equal(doc.querySelectorAll("#hop-list > li").length, 1);
});

// "did you mean": only a plain host name is offered; anything else hides the box.
const SUGGESTIONS = [
  ["Facebook.COM", "facebook.com"],
  ["vnu.edu.vn", "vnu.edu.vn"],
  [IMG, null],
  ["javascript:alert(1)", null],
  ["evil.test/path", null],
  ["localhost", null],
  ["-bad.com", null],
  [`a${".b".repeat(130)}`, null],
  [42, null],
  [null, null],
];
for (const [suggestion, host] of SUGGESTIONS) {
  test(`warning page: did you mean ${JSON.stringify(suggestion)} -> ${host}`, async () => {
    const doc = await openWarning("http://faceb00k.test/", verdict({ ...DANGEROUS, suggestion }));
    assertNoMarkup(doc);
    const box = doc.getElementById("suggestion");
    assert.equal(box.hidden, host === null);
    if (host === null) return;
    assert.equal(text(doc, "#suggestion-host"), host);
    assert.equal(text(doc, "#suggestion-go"), `Go to ${host} instead`);
    assert.equal(typeof doc.getElementById("suggestion-go").onclick, "function");
  });
}

test("warning page: the report preview and its answer are text", async () => {
  const doc = await openWarning(`http://${IMG_ENCODED}@evil.test/`, (message) => {
    if (message.type === "verdict") return verdict(DANGEROUS)(message);
    if (message.type === "report") return { ok: true, id: IMG };
    return { ok: false };
  }, "?mode=report");
  assert.equal(doc.getElementById("report").hidden, false); // ?mode=report opens the form
  doc.getElementById("report-comment").value = SCRIPT;
  doc.getElementById("report").dispatchEvent(new doc.defaultView.Event("submit", { cancelable: true }));
  for (let i = 0; i < 100 && !doc.getElementById("report-status").dataset.state; i += 1) await new Promise((r) => setTimeout(r, 5));
  assertNoMarkup(doc);
  const report = sent.find((m) => m.type === "report");
  assert.deepEqual(report, { type: "report", url: `http://${IMG_ENCODED}@evil.test/`, kind: "phishing", comment: SCRIPT });
  assert.equal(text(doc, "#report-status"), `Thank you! Your report was sent (number ${IMG}).`);
  assert.equal(doc.getElementById("report-status").dataset.state, "sent");
  assert.equal(doc.getElementById("report-send").disabled, false);
});

test("warning page: a failed report says why, as text", async () => {
  const doc = await openWarning("http://evil.test/", (message) => {
    if (message.type === "verdict") return verdict(DANGEROUS)(message);
    return { ok: false, error: "rate_limited", message: SCRIPT };
  });
  doc.getElementById("report").dispatchEvent(new doc.defaultView.Event("submit", { cancelable: true }));
  for (let i = 0; i < 100 && !doc.getElementById("report-status").dataset.state; i += 1) await new Promise((r) => setTimeout(r, 5));
  assertNoMarkup(doc);
  assert.ok(text(doc, "#report-status").includes(SCRIPT));
  assert.equal(doc.getElementById("report-status").dataset.state, "failed");
});

test("warning page: the trusted-adult preview is defanged text", async () => {
  const doc = await openWarning(`http://${IMG_ENCODED}@evil.test/${IMG_ENCODED}`, verdict({ ...DANGEROUS, reasons: [{ code: "x", message: `Bad ${IMG}`, score: 90 }] }));
  doc.defaultView.navigator.clipboard = undefined;
  doc.getElementById("tell").click();
  for (let i = 0; i < 100 && !text(doc, "#share-status"); i += 1) await new Promise((r) => setTimeout(r, 5));
  assertNoMarkup(doc);
  assert.equal(doc.getElementById("share").hidden, false);
  const preview = doc.getElementById("share-text").value;
  assert.ok(preview.includes("hxxp://evil[.]test/"), preview);
  assert.ok(preview.includes(`Link Guard says: Bad ${IMG}`), preview);
  assert.equal(doc.getElementById("share-text").childElementCount, 0);
});

// Which view each worker answer gives, and whether "proceed once" is offered.
const VIEWS = [
  ["warn", true, "warn", "#proceed"],
  ["warn", false, "warn", "[data-testid=proceed-off]"],
  ["caution", true, "caution", "#proceed"],
  ["notice", true, "unverified", "#proceed"],
  ["allow", true, "safe", null],
  ["something-new", true, "unverified", "#proceed"],
];
for (const [kind, canProceed, view, proceed] of VIEWS) {
  test(`warning page: action ${kind} (proceed ${canProceed}) -> ${view}`, async () => {
    const doc = await openWarning("http://evil.test/", verdict(DANGEROUS, kind, canProceed));
    assert.equal(doc.body.dataset.kind, view);
    assert.equal(doc.getElementById("questions").hidden, view !== "caution");
    assert.equal(doc.getElementById("retry").hidden, view !== "unverified");
    assert.equal(doc.getElementById("open-safe").hidden, view !== "safe");
    assert.equal(doc.getElementById("back").className, view === "safe" ? "" : "primary");
    assert.equal(doc.getElementById("details").open, false);
    const box = doc.getElementById("proceed-box");
    if (proceed === null) assert.equal(box.childElementCount, 0);
    else assert.ok(box.querySelector(proceed), `${proceed} missing`);
    assert.ok(doc.title.endsWith(" · Link Guard"));
  });
}

test("warning page: the worker not answering shows 'could not check' without reasons", async () => {
  const doc = await openWarning("http://evil.test/", () => ({ ok: false, error: "no_answer" }));
  assert.equal(doc.body.dataset.kind, "unverified");
  assert.equal(doc.getElementById("reasons").hidden, true);
  assert.equal(doc.getElementById("redirects").hidden, true);
  assert.equal(doc.getElementById("suggestion").hidden, true);
  assert.ok(doc.querySelector("#proceed-box [data-testid=proceed-off]"));
});

test("warning page: proceed asks the worker with the page's URL, and says why it was refused", async () => {
  const doc = await openWarning("http://evil.test/a?b=1", (message) => {
    if (message.type === "verdict") return verdict(DANGEROUS)(message);
    if (message.type === "proceed") return { ok: false, error: "scheme" };
    return { ok: false };
  });
  doc.getElementById("proceed").click();
  for (let i = 0; i < 100 && doc.getElementById("proceed").disabled; i += 1) await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(sent.filter((m) => m.type === "proceed"), [{ type: "proceed", url: "http://evil.test/a?b=1" }]);
  assert.equal(doc.querySelector("#proceed-box [role=status]").textContent, CATALOG.proceedScheme.message);
});

test("warning page: a hop names only the status and step it has", async () => {
  const redirects = [
    { url: "http://short.test/x", via: "start" }, // no status at all
    { url: "http://quiet.test/" }, // neither: no note
    { url: "http://end.test/", status: 200, via: null },
  ];
  const doc = await openWarning("http://short.test/x", verdict({ ...DANGEROUS, redirects }));
  const hops = [...doc.querySelectorAll("#hop-list > li")];
  assert.deepEqual(hops.map((li) => (li.querySelector(".muted") ? li.querySelector(".muted").textContent : null)), [" (start)", null, " (200)"]);
});

test("warning page: no reasons says so, muted; a score is shown only when it is a number", async () => {
  const doc = await openWarning("http://evil.test/", verdict({ ...DANGEROUS, reasons: [null, "x"], score: "high" }));
  const items = [...doc.querySelectorAll("#reason-list > li")];
  assert.equal(items.length, 1);
  assert.equal(items[0].className, "muted");
  assert.equal(items[0].textContent, CATALOG.noReasons.message);
  assert.equal(text(doc, "#score"), "");
});

test("warning page: did you mean goes to the https home of that host", async () => {
  const doc = await openWarning("http://faceb00k.test/", verdict({ ...DANGEROUS, suggestion: "Facebook.com" }));
  const went = [];
  const real = globalThis.location;
  globalThis.location = { assign: (url) => went.push(url) };
  try {
    doc.getElementById("suggestion-go").click();
  } finally {
    globalThis.location = real;
  }
  assert.deepEqual(went, ["https://facebook.com/"]);
});

test("warning page: the report button is disabled while the report is on its way", async () => {
  let release;
  const pending = new Promise((resolve) => { release = resolve; });
  const doc = await openWarning("http://evil.test/", (message) => {
    if (message.type === "verdict") return verdict(DANGEROUS)(message);
    if (message.type === "report") return pending.then(() => ({ ok: true, id: "r-9" }));
    return { ok: false };
  }, "?mode=report");
  doc.getElementById("report").dispatchEvent(new doc.defaultView.Event("submit", { cancelable: true }));
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(doc.getElementById("report-send").disabled, true);
  release();
  for (let i = 0; i < 100 && !doc.getElementById("report-status").dataset.state; i += 1) await new Promise((r) => setTimeout(r, 5));
  assert.equal(doc.getElementById("report-send").disabled, false);
  assert.equal(doc.getElementById("report-status").dataset.state, "sent");
});
