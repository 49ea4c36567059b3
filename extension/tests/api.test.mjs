// The service client against a real loopback HTTP server: request shapes, batching, errors, deadlines.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { createClient, ServiceError, BATCH_LIMIT } from "../lib/api.js";

const seen = [];
let server;
let base;

before(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const doc = body ? JSON.parse(body) : null;
      seen.push({ method: req.method, path: req.url, doc, headers: req.headers });
      const send = (status, obj) => {
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end(JSON.stringify(obj));
      };
      if (req.url === "/v1/check") {
        if (doc.url === "slow") return setTimeout(() => send(200, { verdict: "safe" }), 500);
        if (doc.url === "bad") return send(400, { error: { code: "invalid_url", message: "not a URL" } });
        if (doc.url === "busy") return send(429, { error: { code: "rate_limited", message: "slow down" } });
        if (doc.url === "down") return send(503, { error: { code: "unavailable", message: "lists loading" } });
        if (doc.url === "html") { res.writeHead(200, { "Content-Type": "text/html" }); return res.end("<h1>proxy</h1>"); }
        if (doc.url === "noverdict") return send(200, { url: "x" });
        if (doc.url === "null") return send(200, null);
        if (doc.url === "number") return send(200, 5);
        if (doc.url === "500") { res.writeHead(500); return res.end("oops"); }
        if (doc.url === "404plain") { res.writeHead(404); return res.end("not here"); }
        if (doc.url === "499") return send(499, { error: { code: "client_closed", message: "gone" } });
        if (doc.url === "stringerror") return send(400, { error: "just a string" });
        if (doc.url === "nomessage") return send(400, { error: { code: "too_long" } });
        if (doc.url === "redirect") { res.writeHead(302, { Location: "/v1/check" }); return res.end(); }
        return send(200, { url: doc.url, verdict: "dangerous", score: 90, reasons: [], ttl: 60 });
      }
      if (req.url === "/v1/check/batch") {
        if (doc.urls.includes("short")) return send(200, { results: [] });
        if (doc.urls.includes("noresults")) return send(200, { answer: [] });
        return send(200, { results: doc.urls.map((u) => ({ url: u, verdict: "safe", ttl: 60 })) });
      }
      if (req.url === "/v1/check/text") {
        if (doc.text === "slow") return setTimeout(() => send(200, { verdict: "safe", links: [] }), 500);
        if (doc.text === "nolinks") return send(200, { verdict: "safe" });
        if (doc.text === "noverdict") return send(200, { links: [] });
        return send(200, { verdict: "suspicious", score: 40, reasons: [], links: [], lang: doc.lang });
      }
      if (req.url === "/healthz") return send(200, { status: "ok" });
      if (req.url === "/v1/reports") return send(202, { id: "r-1" });
      send(404, { error: { code: "not_found", message: "no" } });
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${server.address().port}/`;
});
after(() => server.close());

test("check posts url, lang and resolve; no cookies are sent", async () => {
  const client = createClient({ baseUrl: base });
  const got = await client.check("http://evil.test/", { lang: "en" });
  assert.equal(got.verdict, "dangerous");
  const req = seen.at(-1);
  assert.deepEqual(req.doc, { url: "http://evil.test/", lang: "en", resolve: "auto" });
  assert.equal(req.headers.cookie, undefined);
  assert.equal(req.headers.authorization, undefined);
});

test("an API key goes in the Authorization header", async () => {
  await createClient({ baseUrl: base, apiKey: "k-123" }).check("http://a.test/", { lang: "vi" });
  assert.equal(seen.at(-1).headers.authorization, "Bearer k-123");
});

test(`batch splits into chunks of ${BATCH_LIMIT} and keeps order`, async () => {
  const before = seen.length;
  const urls = Array.from({ length: 250 }, (_, i) => `http://h${i}.test/`);
  const results = await createClient({ baseUrl: base }).batch(urls, { lang: "vi" });
  assert.deepEqual(results.map((r) => r.url), urls);
  const calls = seen.slice(before);
  assert.deepEqual(calls.map((c) => c.doc.urls.length), [100, 100, 50]);
  assert.ok(calls.every((c) => c.doc.resolve === "never"));
});

const ERRORS = [
  ["400 keeps the service's code", "bad", "invalid_url", false],
  ["429 is rate_limited", "busy", "rate_limited", true],
  ["503 is unavailable", "down", "unavailable", true],
  ["non-JSON 200 is a bad answer", "html", "bad_answer", true],
];
for (const [name, url, code, unreachable] of ERRORS) {
  test(`check error: ${name}`, async () => {
    await assert.rejects(createClient({ baseUrl: base }).check(url), (err) => {
      assert.ok(err instanceof ServiceError);
      assert.equal(err.code, code);
      assert.equal(err.unreachable, unreachable);
      return true;
    });
  });
}

test("a slow service hits the deadline", async () => {
  const client = createClient({ baseUrl: base, timeouts: { check: 100 } });
  await assert.rejects(client.check("slow"), (err) => err.code === "timeout" && err.unreachable);
});

test("nothing listening is unreachable", async () => {
  const closed = http.createServer();
  await new Promise((r) => closed.listen(0, "127.0.0.1", r));
  const port = closed.address().port;
  await new Promise((r) => closed.close(r));
  await assert.rejects(createClient({ baseUrl: `http://127.0.0.1:${port}` }).check("http://a.test/"), (err) => err.code === "unreachable");
});

test("report sends url, kind and the comment only when given", async () => {
  const client = createClient({ baseUrl: base });
  assert.deepEqual(await client.report("http://evil.test/", "phishing", ""), { id: "r-1" });
  assert.deepEqual(seen.at(-1).doc, { url: "http://evil.test/", kind: "phishing" });
  await client.report("http://evil.test/", "scam", "asked for OTP");
  assert.deepEqual(seen.at(-1).doc, { url: "http://evil.test/", kind: "scam", comment: "asked for OTP" });
});

test("the base URL loses every trailing slash; JSON is asked for, and sent only with a body", async () => {
  const client = createClient({ baseUrl: `${base}//` });
  assert.equal(client.base, base.replace(/\/$/u, ""));
  await client.check("http://a.test/");
  assert.equal(seen.at(-1).path, "/v1/check");
  assert.equal(seen.at(-1).headers.accept, "application/json");
  assert.equal(seen.at(-1).headers["content-type"], "application/json");
  assert.deepEqual(await client.health(), { status: "ok" });
  const health = seen.at(-1);
  assert.deepEqual([health.method, health.path, health.doc], ["GET", "/healthz", null]);
  assert.equal(health.headers["content-type"], undefined);
  assert.equal(health.headers.accept, "application/json");
});

const MORE_ERRORS = [
  // [url, code, status, message]
  ["500", "unavailable", 500, "HTTP 500"],
  ["499", "client_closed", 499, "gone"],
  ["404plain", "http_404", 404, "HTTP 404"],
  ["stringerror", "http_400", 400, "HTTP 400"],
  ["nomessage", "too_long", 400, "HTTP 400"],
  ["bad", "invalid_url", 400, "not a URL"],
  ["busy", "rate_limited", 429, "slow down"],
  ["null", "bad_answer", 200, "the service did not answer with JSON"],
  ["number", "bad_answer", 200, "the service did not answer with JSON"],
  ["noverdict", "bad_answer", 0, "no verdict in the answer"],
];
for (const [url, code, status, message] of MORE_ERRORS) {
  test(`check error ${url}: ${code}, status ${status}, "${message}"`, async () => {
    await assert.rejects(createClient({ baseUrl: base }).check(url), (err) => {
      assert.ok(err instanceof ServiceError && err instanceof Error);
      assert.deepEqual([err.name, err.code, err.status, err.message], ["ServiceError", code, status, message]);
      return true;
    });
  });
}

test("a redirect from the service is not followed: it is unreachable, with fetch's reason", async () => {
  await assert.rejects(createClient({ baseUrl: base }).check("redirect"), (err) => {
    assert.equal(err.code, "unreachable");
    assert.ok(err.message && err.message !== "undefined", err.message);
    return true;
  });
});

test("a deadline names its length; a failed fetch names its error", async () => {
  const slow = createClient({ baseUrl: base, timeouts: { check: 100 } });
  await assert.rejects(slow.check("slow"), (err) => err.code === "timeout" && err.message === "no answer within 100 ms");
  const broken = createClient({ baseUrl: base, fetchImpl: async () => { throw new TypeError("socket hang up"); } });
  await assert.rejects(broken.check("x"), (err) => err.code === "unreachable" && err.message === "socket hang up");
  const odd = createClient({ baseUrl: base, fetchImpl: async () => { throw null; } }); // eslint-disable-line no-throw-literal
  await assert.rejects(odd.check("x"), (err) => err.code === "unreachable" && err.message === "null");
});

test("which failures say nothing about the link", () => {
  for (const code of ["unreachable", "timeout", "unavailable", "rate_limited", "bad_answer"]) {
    assert.equal(new ServiceError(code, "m").unreachable, true, code);
  }
  for (const code of ["invalid_url", "http_404", "", "forbidden"]) assert.equal(new ServiceError(code, "m").unreachable, false, code);
  assert.equal(new ServiceError("x", "m").status, 0);
});

test("an empty batch asks nothing; a batch answer of the wrong shape is a bad answer", async () => {
  const before = seen.length;
  assert.deepEqual(await createClient({ baseUrl: base }).batch([]), []);
  assert.equal(seen.length, before);
  for (const url of ["short", "noresults"]) {
    await assert.rejects(createClient({ baseUrl: base }).batch([url, "http://b.test/"]), (err) =>
      err.code === "bad_answer" && err.message === "batch answer does not match the request");
  }
  const one = await createClient({ baseUrl: base }).batch(["http://one.test/"], { resolve: "auto" });
  assert.deepEqual(one.map((r) => r.url), ["http://one.test/"]);
  assert.equal(seen.at(-1).doc.resolve, "auto");
});

test("checkText posts the text, lang and resolve=never, and wants a verdict and links", async () => {
  const client = createClient({ baseUrl: base });
  const got = await client.checkText("đừng nói với ai", { lang: "vi" });
  assert.deepEqual(seen.at(-1).doc, { text: "đừng nói với ai", lang: "vi", resolve: "never" });
  assert.equal(seen.at(-1).path, "/v1/check/text");
  assert.deepEqual([got.verdict, got.lang], ["suspicious", "vi"]);
  for (const text of ["nolinks", "noverdict"]) {
    await assert.rejects(client.checkText(text), (err) => err.code === "bad_answer" && err.message === "no verdict in the answer");
  }
  const slow = createClient({ baseUrl: base, timeouts: { batch: 100, check: 10000 } });
  await assert.rejects(slow.checkText("slow"), (err) => err.code === "timeout" && err.message === "no answer within 100 ms");
});

test("each call has its own deadline: check and report and health use the check one, batch the batch one", async () => {
  const client = createClient({ baseUrl: base, timeouts: { check: 100, batch: 10000 } });
  await assert.rejects(client.check("slow"), (err) => err.code === "timeout");
  const roomy = createClient({ baseUrl: base, timeouts: { check: 2000 } });
  assert.equal((await roomy.check("slow")).verdict, "safe");
});
