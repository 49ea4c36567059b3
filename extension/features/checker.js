// Asking about a URL: local cache first, then the service; concurrent asks for one URL share one request.

import { getClient, getLang, getSettings, verdictCache } from "./state.js";
import { sufficientForNavigation, cacheUrl, isCheckable, markerFor } from "../lib/verdict.js";
import { ServiceError } from "../lib/api.js";
import { protect, syncDomains, unprotect } from "./blocking.js";
import { domainsToProtect, finalHost } from "../lib/rules.js";
import { toUnicodeHost } from "../lib/punycode.js";

const inflight = new Map(); // key -> Promise<outcome>

function errorOutcome(error) {
  const code = error instanceof ServiceError ? error.code : "unreachable";
  return { error: { code, message: String((error && error.message) || error) } };
}

/** After any fresh verdict: keep the browser-level redirect rules (the URL's, its domain's) in step with it. */
async function syncRule(url, result) {
  if (markerFor(result.verdict)) await protect(url, result);
  else await unprotect(url);
  const host = finalHost(result);
  if (host) await syncDomains(host, domainsToProtect(result, toUnicodeHost), result);
}

// What a cached answer must be to be reused: any answer; one good enough to decide a navigation; or a full
// check (resolve=auto) with its redirect chain, which the warning page and the popup show.
const ENOUGH = {
  any: () => true,
  navigation: sufficientForNavigation,
  resolved: (entry) => entry.mode !== "never",
};

/**
 * Outcome for one URL: {result, cached} or {error}. The service is asked with resolve=auto (it follows
 * redirect chains when that helps) unless the cache already holds an answer that is `need`-enough.
 */
export async function check(rawUrl, { need = "navigation" } = {}) {
  const url = cacheUrl(rawUrl);
  if (url === null) return { error: { code: "invalid_url", message: "not a URL" } };
  const lang = await getLang();
  const entry = await verdictCache.get(lang, url);
  if (entry && ENOUGH[need](entry)) return { result: entry.result, cached: true };
  const key = `${lang}|${url}`;
  if (!inflight.has(key)) {
    const work = (async () => {
      try {
        const client = await getClient();
        const result = await client.check(url, { lang, resolve: "auto" });
        await verdictCache.put(lang, url, result, "auto");
        await syncRule(url, result);
        return { result, cached: false };
      } catch (error) {
        // A fresh failure still leaves a cached (batch) answer usable: better than nothing.
        if (entry) return { result: entry.result, cached: true, stale: true };
        return errorOutcome(error);
      } finally {
        inflight.delete(key);
      }
    })();
    inflight.set(key, work);
  }
  return inflight.get(key);
}

/**
 * Pre-check the links a page shows: cache first, one batch call per 100 unknown links (resolve=never).
 * Returns Map url -> result for every link that has an answer; links the service could not answer are left out.
 */
export async function checkMany(rawUrls) {
  const { values } = await getSettings();
  const lang = await getLang();
  const urls = [...new Set(rawUrls.map(cacheUrl).filter((u) => u && isCheckable(u, values.serviceUrl)))];
  const answers = new Map();
  const missing = [];
  for (const url of urls) {
    const entry = await verdictCache.get(lang, url);
    if (entry) answers.set(url, entry.result);
    else missing.push(url);
  }
  if (missing.length === 0) return answers;
  let results;
  try {
    results = await (await getClient()).batch(missing, { lang });
  } catch {
    return answers; // pre-checking is best effort; the navigation check still runs on click
  }
  const pairs = [];
  results.forEach((result, i) => {
    if (result && typeof result.verdict === "string") pairs.push([missing[i], result]);
  });
  await verdictCache.putMany(lang, pairs, "never");
  for (const [url, result] of pairs) {
    answers.set(url, result);
    if (markerFor(result.verdict)) await protect(url, result);
    // Pre-check answers add domain rules; only a full check (syncRule) takes one away.
    const condemned = domainsToProtect(result, toUnicodeHost);
    if (condemned.length) await syncDomains(finalHost(result), condemned, result, { keepOthers: true });
  }
  return answers;
}
