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
        return send(200, { url: doc.url, verdict: "dangerous", score: 90, reasons: [], ttl: 60 });
      }
      if (req.url === "/v1/check/batch") return send(200, { results: doc.urls.map((u) => ({ url: u, verdict: "safe", ttl: 60 })) });
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
