// Browser-level protection for URLs known to be bad: declarativeNetRequest session rules redirect the
// top-level request to the warning page before it leaves, and a tab-scoped allow rule carries "proceed once".

import { ext, readArea, warningPage, writeArea } from "./browser.js";
import {
  domainRule,
  redirectRule,
  proceedRule,
  ruleEligible,
  navigationEnds,
  navigationStart,
  MAX_REDIRECT_RULES,
} from "../lib/rules.js";
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
  const t = await readArea("session", "rules", { seq: 100, urls: {}, proceed: {}, ended: {} });
  t.domains ??= {}; // (a table from before domain rules)
  return t;
}

const save = (t) => writeArea("session", "rules", t);

/** Install (or refresh) the redirect rule for a URL whose verdict is dangerous or suspicious. */
export function protect(url, result) {
  if (!ruleEligible(url)) return Promise.resolve(false);
  return serial(async () => {
    const t = await table();
    const ok = await install(t, "urls", url, (id) => redirectRule(id, url, warningPage()), result);
    await save(t);
    return ok;
  });
}

/** Drop the redirect rule when a fresh verdict says the URL is fine now (lists change). */
export function unprotect(url) {
  return serial(async () => {
    const t = await table();
    if (await uninstall(t, "urls", url)) await save(t);
  });
}

/**
 * After a fresh verdict about `host`: a rule for every URL on each domain in `condemned` (lib/rules.js
 * domainsToProtect), and, unless `keepOthers`, no rule left for a domain covering `host` that the verdict no
 * longer condemns (the lists changed). One read and one write of the rule table.
 */
export function syncDomains(host, condemned, result, { keepOthers = false } = {}) {
  return serial(async () => {
    const t = await table();
    const stale = keepOthers ? [] : Object.keys(t.domains).filter((d) => covers(d, host) && !condemned.includes(d));
    if (stale.length === 0 && condemned.length === 0) return;
    for (const domain of stale) await uninstall(t, "domains", domain);
    for (const domain of condemned) await install(t, "domains", domain, (id) => domainRule(id, domain, warningPage()), result);
    await save(t);
  });
}

const covers = (domain, host) => host === domain || host.endsWith(`.${domain}`);

/** In table `t`: one redirect rule in `t[kind][key]`; expired and (over the cap) oldest rules go. The caller saves. */
async function install(t, kind, key, makeRule, result) {
  const now = Date.now();
  const expires = now + ttlSeconds(result) * 1000;
  const existing = t[kind][key];
  if (existing) {
    existing.expires = Math.max(existing.expires, expires);
    return true;
  }
  const removeRuleIds = [];
  const live = [];
  for (const k of ["urls", "domains"]) {
    for (const [name, r] of Object.entries(t[k])) {
      if (r.expires <= now) {
        removeRuleIds.push(r.id);
        delete t[k][name];
      } else live.push([k, name, r]);
    }
  }
  live.sort((a, b) => a[2].id - b[2].id); // ids grow: the oldest first
  while (live.length >= MAX_REDIRECT_RULES) {
    const [k, name, r] = live.shift();
    removeRuleIds.push(r.id);
    delete t[k][name];
  }
  t.seq += 1;
  const id = t.seq;
  try {
    await dnr.updateSessionRules({ removeRuleIds, addRules: [makeRule(id)] });
  } catch (error) {
    console.warn("Link Guard: could not add a redirect rule", error);
    return false; // the navigation check and the click interception still protect this URL
  }
  // `added` is when the rule was surely in force: a navigation that started earlier was not stopped by it.
  t[kind][key] = { id, expires, added: Date.now() };
  return true;
}

/** In table `t`: remove the rule `t[kind][key]`, if any; true when there was one. The caller saves. */
async function uninstall(t, kind, key) {
  const r = t[kind][key];
  if (!r) return false;
  delete t[kind][key];
  await dnr.updateSessionRules({ removeRuleIds: [r.id] }).catch(() => {});
  return true;
}

/**
 * Remove a tab's proceed allowance and its allow rule from the table `t` (inside a serial task). When the
 * rule was surely gone is kept: a navigation that had started before then may have passed it.
 */
async function dropAllowance(t, tabId) {
  const p = t.proceed[tabId];
  if (!p) return;
  delete t.proceed[tabId];
  await dnr.updateSessionRules({ removeRuleIds: [p.id] }).catch(() => {});
  t.ended = { ...t.ended, [tabId]: { url: p.url, at: Date.now() } };
  await writeArea("session", "rules", t);
}

/** Proceed once: an allow rule for this tab and URL, plus an allowance the next navigation to it consumes. */
export function allowOnce(tabId, url) {
  return serial(async () => {
    const t = await table();
    const at = Date.now(); // before the rule exists: only a navigation that starts later may use it
    const old = t.proceed[tabId];
    t.seq += 1;
    const id = t.seq;
    const removeRuleIds = old ? [old.id] : [];
    await dnr.updateSessionRules({ removeRuleIds, addRules: [proceedRule(id, url, tabId)] }).catch((error) => {
      console.warn("Link Guard: could not add the proceed rule", error);
    });
    t.proceed[tabId] = { id, url, consumed: false, at };
    await writeArea("session", "rules", t);
  });
}

/**
 * A top-level navigation to `url` started in a tab at `startedAt` (webNavigation.onBeforeNavigate).
 * Call it from the listener before any await: the serial queue then sees starts and commits in the order the
 * browser sent them. Without that, a commit handled before its own start (the worker busy reading settings)
 * found the allowance unused and kept the allow rule, so the next visit went straight to the link's server.
 * Returns "proceeded" (this is the student's proceed once), "protected" (a redirect rule in force since
 * before the navigation started stops its request) or "check" (lib/rules.js navigationStart decides).
 */
export function navigationStarted(tabId, url, startedAt) {
  return serial(async () => {
    const t = await table();
    const { how, consume, drop } = navigationStart(t, tabId, url, startedAt, Date.now());
    if (consume) {
      t.proceed[tabId].consumed = true;
      await writeArea("session", "rules", t);
    }
    if (drop) await dropAllowance(t, tabId);
    return how;
  });
}

/** The tab's top-level navigation committed (or failed): after a proceed once, the next visit warns again. */
export function navigationEnded(tabId, url, failed) {
  return serial(async () => {
    const t = await table();
    if (navigationEnds(t, tabId, url, failed)) await dropAllowance(t, tabId);
  });
}

/** The tab closed: its allowance goes with it. */
export function endAllowOnce(tabId) {
  return serial(async () => {
    const t = await table();
    await dropAllowance(t, tabId);
    if (t.ended && t.ended[tabId]) {
      delete t.ended[tabId];
      await writeArea("session", "rules", t);
    }
  });
}

/** Whether the tab holds a "proceed once" allowance for `url`, used by its navigation or not yet. */
export function proceedsTo(tabId, url) {
  return serial(async () => {
    const t = await table();
    return Boolean(t.proceed[tabId] && t.proceed[tabId].url === url);
  });
}
