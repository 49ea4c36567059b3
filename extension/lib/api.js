// Client for the school's Link Guard service (API v1 of DESIGN.md). Only URLs are sent, never page content.
// fetch is injected so node tests can drive it; every call has a deadline and turns failures into ServiceError.

export const BATCH_LIMIT = 100; // DESIGN.md: batch <= 100 URLs
export const CHECK_TIMEOUT_MS = 4000; // the service's own resolve budget is 5 s; a navigation must not wait longer
export const BATCH_TIMEOUT_MS = 6000;

/** codes: unreachable | timeout | unavailable | rate_limited | bad_answer | <the service's error.code> */
export class ServiceError extends Error {
  constructor(code, message, status = 0) {
    super(message);
    this.name = "ServiceError";
    this.code = code;
    this.status = status;
  }

  /** Failures that say nothing about the link itself: fail-open / fail-closed applies. */
  get unreachable() {
    return ["unreachable", "timeout", "unavailable", "rate_limited", "bad_answer"].includes(this.code);
  }
}

export function createClient({ baseUrl, apiKey = "", fetchImpl = globalThis.fetch, timeouts = {} }) {
  const base = String(baseUrl).replace(/\/+$/u, "");

  async function call(method, path, body, timeoutMs) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (apiKey) headers.Authorization = `Bearer ${apiKey}`;
    let response;
    try {
      response = await fetchImpl(`${base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: controller.signal,
        credentials: "omit", // no cookies: nothing that identifies the student (issue 6, Privacy)
        cache: "no-store",
        redirect: "error",
      });
    } catch (error) {
      const timedOut = controller.signal.aborted;
      throw new ServiceError(timedOut ? "timeout" : "unreachable", timedOut ? `no answer within ${timeoutMs} ms` : String(error && error.message));
    } finally {
      clearTimeout(timer);
    }
    let doc = null;
    try {
      doc = await response.json();
    } catch {
      doc = null;
    }
    if (!response.ok) {
      const err = doc && doc.error && typeof doc.error === "object" ? doc.error : {};
      const code = response.status === 429 ? "rate_limited" : response.status >= 500 ? "unavailable" : String(err.code || `http_${response.status}`);
      throw new ServiceError(code, String(err.message || `HTTP ${response.status}`), response.status);
    }
    if (!doc || typeof doc !== "object") throw new ServiceError("bad_answer", "the service did not answer with JSON", response.status);
    return doc;
  }

  return {
    base,
    /** One URL, full check (the service resolves redirect chains when it helps). */
    async check(url, { lang, resolve = "auto" } = {}) {
      const doc = await call("POST", "/v1/check", { url, lang, resolve }, timeouts.check ?? CHECK_TIMEOUT_MS);
      if (typeof doc.verdict !== "string") throw new ServiceError("bad_answer", "no verdict in the answer");
      return doc;
    },
    /** Many URLs in chunks of BATCH_LIMIT; returns results in input order (error objects in their slots). */
    async batch(urls, { lang, resolve = "never" } = {}) {
      const out = [];
      for (let i = 0; i < urls.length; i += BATCH_LIMIT) {
        const chunk = urls.slice(i, i + BATCH_LIMIT);
        const doc = await call("POST", "/v1/check/batch", { urls: chunk, lang, resolve }, timeouts.batch ?? BATCH_TIMEOUT_MS);
        if (!Array.isArray(doc.results) || doc.results.length !== chunk.length) {
          throw new ServiceError("bad_answer", "batch answer does not match the request");
        }
        out.push(...doc.results);
      }
      return out;
    },
    /** A whole message (DESIGN.md POST /v1/check/text): its patterns and one result per link in it. */
    async checkText(text, { lang, resolve = "never" } = {}) {
      const doc = await call("POST", "/v1/check/text", { text, lang, resolve }, timeouts.batch ?? BATCH_TIMEOUT_MS);
      if (typeof doc.verdict !== "string" || !Array.isArray(doc.links)) throw new ServiceError("bad_answer", "no verdict in the answer");
      return doc;
    },
    async report(url, kind, comment) {
      const body = { url, kind };
      if (comment) body.comment = comment;
      return call("POST", "/v1/reports", body, timeouts.check ?? CHECK_TIMEOUT_MS);
    },
    async health() {
      return call("GET", "/healthz", undefined, timeouts.check ?? CHECK_TIMEOUT_MS);
    },
  };
}
