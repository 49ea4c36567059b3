// Browser-level protection for URLs known to be bad: declarativeNetRequest session rules redirect the
// top-level request to the warning page before it leaves, and a tab-scoped allow rule carries "proceed once".

import { ext, readArea, warningPage, writeArea } from "./browser.js";
import { redirectRule, proceedRule, ruleEligible, MAX_REDIRECT_RULES } from "../lib/rules.js";
import { ttlSeconds } from "../lib/cache.js";

const dnr = ext.declarativeNetRequest;

// Read-modify-write of the rule table must not interleave (many pre-check batches arrive at once).
let queue = Promise.resolve();
function serial(task) {
  const run = queue.then(task, task);
  queue = run.catch(() => {});
  return run;
}

async function table() {
  return readArea("session", "rules", { seq: 100, urls: {}, proceed: {} });
}

/** Install (or refresh) the redirect rule for a URL whose verdict is dangerous or suspicious. */
export function protect(url, result) {
  if (!ruleEligible(url)) return Promise.resolve(false);
  return serial(async () => {
    const t = await table();
    const now = Date.now();
    const expires = now + ttlSeconds(result) * 1000;
    const removeRuleIds = [];
    const existing = t.urls[url];
    if (existing) {
      existing.expires = Math.max(existing.expires, expires);
      await writeArea("session", "rules", t);
      return true;
    }
    for (const [u, r] of Object.entries(t.urls)) {
      if (r.expires <= now) {
        removeRuleIds.push(r.id);
        delete t.urls[u];
      }
    }
    const live = Object.keys(t.urls);
    while (live.length >= MAX_REDIRECT_RULES) {
      const oldest = live.shift();
      removeRuleIds.push(t.urls[oldest].id);
      delete t.urls[oldest];
    }
    t.seq += 1;
    const id = t.seq;
    try {
      await dnr.updateSessionRules({ removeRuleIds, addRules: [redirectRule(id, url, warningPage())] });
    } catch (error) {
      console.warn("Link Guard: could not add a redirect rule", error);
      return false; // the navigation check and the click interception still protect this URL
    }
    t.urls[url] = { id, expires };
    await writeArea("session", "rules", t);
    return true;
  });
}

/** Drop the redirect rule when a fresh verdict says the URL is fine now (lists change). */
export function unprotect(url) {
  return serial(async () => {
    const t = await table();
    const r = t.urls[url];
    if (!r) return;
    delete t.urls[url];
    await dnr.updateSessionRules({ removeRuleIds: [r.id] }).catch(() => {});
    await writeArea("session", "rules", t);
  });
}

/** True when a live redirect rule covers this URL, so the browser itself stops the request. */
export async function isProtected(url) {
  const t = await table();
  const r = t.urls[url];
  return Boolean(r && r.expires > Date.now());
}

/** Proceed once: an allow rule for this tab and URL, plus an allowance the navigation check consumes. */
export function allowOnce(tabId, url) {
  return serial(async () => {
    const t = await table();
    const old = t.proceed[tabId];
    t.seq += 1;
    const id = t.seq;
    const removeRuleIds = old ? [old.id] : [];
    await dnr.updateSessionRules({ removeRuleIds, addRules: [proceedRule(id, url, tabId)] }).catch((error) => {
      console.warn("Link Guard: could not add the proceed rule", error);
    });
    t.proceed[tabId] = { id, url, consumed: false, at: Date.now() };
    await writeArea("session", "rules", t);
  });
}

/** Called by the navigation check: true (once) when this navigation is the student's "proceed". */
export function consumeAllowance(tabId, url) {
  return serial(async () => {
    const t = await table();
    const p = t.proceed[tabId];
    if (!p || p.consumed || p.url !== url || Date.now() - p.at > 60_000) return false;
    p.consumed = true;
    await writeArea("session", "rules", t);
    return true;
  });
}

/** The proceeded page committed (or failed, or the tab closed): the next visit must warn again. */
export function endAllowOnce(tabId) {
  return serial(async () => {
    const t = await table();
    const p = t.proceed[tabId];
    if (!p) return;
    delete t.proceed[tabId];
    await dnr.updateSessionRules({ removeRuleIds: [p.id] }).catch(() => {});
    await writeArea("session", "rules", t);
  });
}
