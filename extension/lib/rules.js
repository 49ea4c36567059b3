// declarativeNetRequest session rules for links already known to be bad: the browser itself redirects the
// request to the warning page before it leaves, so the link's server never hears from the student.

export const BLOCK_PRIORITY = 1;
export const PROCEED_PRIORITY = 2; // a tab-scoped "allow" for proceed-once beats the redirect
export const MAX_RULE_URL = 1500; // RE2 programs are capped at 2 KiB (chrome.declarativeNetRequest docs)
export const MAX_REDIRECT_RULES = 900; // regex rules share a limit of 1000 with dynamic rules

/** Escape a string for RE2 (the regex engine of declarativeNetRequest). */
export function escapeRegex(text) {
  return String(text).replace(/[\\^$.*+?()[\]{}|/]/gu, "\\$&");
}

/** Anchored regex matching exactly this URL (fragment excluded: requests never carry one). */
export function urlRegex(url) {
  const noFragment = String(url).split("#", 1)[0];
  return `^${escapeRegex(noFragment)}$`;
}

export function ruleEligible(url) {
  return typeof url === "string" && /^https?:\/\//u.test(url) && url.length <= MAX_RULE_URL;
}

/** Rule redirecting top-level navigations to `warningPage#<url>` for one URL. */
export function redirectRule(id, url, warningPage) {
  return {
    id,
    priority: BLOCK_PRIORITY,
    action: { type: "redirect", redirect: { url: `${warningPage}#${url}` } },
    condition: { regexFilter: urlRegex(url), resourceTypes: ["main_frame"] },
  };
}

/**
 * Anchored regex for every http(s) URL on `domain` or a subdomain of it (any port, path and query), with
 * the whole URL captured for the redirect's substitution. `domain` is an ASCII host or IPv4 address.
 */
export function domainRegex(domain) {
  return `^(https?://(?:[^/?#@]*@)?(?:[^/?#@:]*\\.)?${escapeRegex(domain)}(?::[0-9]+)?(?:[/?#].*)?)$`;
}

/** Rule redirecting top-level navigations to any URL on a domain known bad as a whole to `warningPage#<url>`. */
export function domainRule(id, domain, warningPage) {
  return {
    id,
    priority: BLOCK_PRIORITY,
    action: { type: "redirect", redirect: { regexSubstitution: `${warningPage}#\\1` } },
    condition: { regexFilter: domainRegex(domain), resourceTypes: ["main_frame"] },
  };
}

const DANGEROUS_AT = 70; // DESIGN.md: safe < 30 <= suspicious < 70 <= dangerous
const DOMAIN = /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,62}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,62}[a-z0-9_])?)*$/u;

/**
 * Domains a dangerous result condemns as a whole, so that every URL on them can be stopped before its request
 * leaves (phishing kits hand each victim a link of its own). Only reasons about the final URL's host that are
 * dangerous on their own count: a blocklisted domain entry covering that host (the entry: lists match its
 * subdomains too), or a lookalike / IDN finding about that very host. A path entry, a lure, or a weak
 * signal that only adds up to "dangerous" condemns nothing beyond the URL.
 */
export function domainsToProtect(result, toUnicode = (h) => h) {
  if (!result || result.verdict !== "dangerous") return [];
  const host = finalHost(result);
  if (host === null || !DOMAIN.test(host)) return []; // IPv6 literals and anything odd keep per-URL rules only
  const found = new Set();
  for (const reason of Array.isArray(result.reasons) ? result.reasons : []) {
    if (!reason || typeof reason.code !== "string" || typeof reason.score !== "number") continue;
    if (!(reason.score >= DANGEROUS_AT)) continue;
    const evidence = reason.evidence && typeof reason.evidence === "object" ? reason.evidence : {};
    if (reason.code === "blocklist.match" && typeof evidence.entry === "string") {
      const entry = evidence.entry.toLowerCase().replace(/\.$/u, "");
      if (DOMAIN.test(entry) && (host === entry || host.endsWith(`.${entry}`))) found.add(entry);
    } else if (/^(?:lookalike|idn)\./u.test(reason.code) && typeof evidence.host === "string") {
      if (evidence.host === host || evidence.host === toUnicode(host)) found.add(host);
    }
  }
  return [...found];
}

/** The lowercase host of a result's `final_url`, or null. */
export function finalHost(result) {
  try {
    return new URL(result.final_url).hostname.toLowerCase() || null;
  } catch {
    return null;
  }
}

/** The domain rule in force for `url`'s host, if any (its own host or a parent domain). */
export function domainEntryFor(domains, url) {
  let host;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return null;
  }
  for (let at = host; at; at = at.includes(".") ? at.slice(at.indexOf(".") + 1) : "") {
    if (Object.hasOwn(domains, at)) return domains[at];
  }
  return null;
}

/** One-time exception for one tab while "proceed once" loads the page; removed when it commits. */
export function proceedRule(id, url, tabId) {
  return {
    id,
    priority: PROCEED_PRIORITY,
    action: { type: "allow" },
    condition: { regexFilter: urlRegex(url), resourceTypes: ["main_frame"], tabIds: [tabId] },
  };
}

// A proceed allowance not used within this time is not honoured (the proceeded page never started).
export const ALLOWANCE_MS = 60_000;

/**
 * What a top-level navigation meets in the worker's rule table (pure; blocking.js applies the answer).
 * table: {urls: {url: {expires, added}}, domains: {domain: {expires, added}}, proceed: {tabId: {url, consumed, at}},
 * ended: {tabId: {url, at}}};
 * startedAt: the navigation's webNavigation.onBeforeNavigate timeStamp; now: Date.now().
 * Returns {how: "proceeded" | "protected" | "check", consume, drop}: consume marks the allowance used, drop
 * removes it with its allow rule.
 */
export function navigationStart(table, tabId, url, startedAt, now) {
  const p = table.proceed[tabId];
  const ended = table.ended ? table.ended[tabId] : undefined;
  const live = Boolean(p) && now - p.at <= ALLOWANCE_MS;
  if (live && !p.consumed && p.url === url && startedAt >= p.at) return { how: "proceeded", consume: true, drop: false };
  // The tab's allow rule outranks the redirect rule when it is in force now, or was when this navigation
  // started (removed since): such a request may have reached the link's server, so it is checked, not trusted.
  const bypassed = Boolean((p && p.url === url) || (ended && ended.url === url && ended.at >= startedAt));
  // Any later navigation in the tab ends a used (or stale) allowance.
  const drop = Boolean(p) && (p.consumed || !live);
  // A rule added while this request was already on its way stopped nothing.
  const inForce = (r) => Boolean(r) && r.expires > now && (r.added ?? 0) <= startedAt;
  const ruled = inForce(table.urls[url]) || inForce(domainEntryFor(table.domains || {}, url));
  return { how: ruled && !bypassed ? "protected" : "check", consume: false, drop };
}

/**
 * Whether a top-level commit (failed=false) or error (failed=true) of `url` ends the tab's allowance: only
 * once the proceeded navigation has started, and an error only for the proceeded URL itself (a load the
 * tab dropped for it reports one too, and must not take the allowance away before its request starts).
 */
export function navigationEnds(table, tabId, url, failed) {
  const p = table.proceed[tabId];
  return Boolean(p) && p.consumed && (!failed || p.url === url);
}
