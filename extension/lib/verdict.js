// Turn a service verdict (or a failure to get one) into what the extension does: nothing, warn, caution, notice.
// Pure: the service worker, the content script's markers and the warning page all ask this one table.

export const VERDICTS = Object.freeze(["safe", "suspicious", "dangerous"]);

// verdict -> action when the service answered (DESIGN.md "Extension").
const ON_VERDICT = Object.freeze({
  safe: "allow",
  suspicious: "caution",
  dangerous: "warn",
});

/**
 * Decide the action for a navigation.
 * outcome: {result: <service check result>} or {error: {code, message}}.
 * settings: {failMode: "open"|"closed"}.
 * Returns {kind: "allow"|"caution"|"warn"|"notice"|"unverified", verdict?}.
 */
export function actionFor(outcome, settings) {
  if (outcome && outcome.result && VERDICTS.includes(outcome.result.verdict)) {
    return { kind: ON_VERDICT[outcome.result.verdict], verdict: outcome.result.verdict };
  }
  // No usable verdict: unreachable, timeout, 5xx, malformed answer. Fail-open lets the page load with a
  // notice; fail-closed shows the "can't verify" page (issue 6, Options).
  return { kind: settings && settings.failMode === "closed" ? "unverified" : "notice" };
}

/** True when the action takes the tab to the warning page. */
export function blocksNavigation(action) {
  return action.kind === "warn" || action.kind === "caution" || action.kind === "unverified";
}

/** The marker a pre-checked link gets, or null when it needs none. */
export function markerFor(verdict) {
  return verdict === "dangerous" || verdict === "suspicious" ? verdict : null;
}

/**
 * Whether a cached result is good enough to decide a navigation without asking the service again.
 * Batch pre-checks run with resolve=never (DESIGN.md), so a "safe" batch answer for a shortener or a
 * link with redirect signals must still be resolved by a full check.
 */
export function sufficientForNavigation(entry) {
  if (!entry || !entry.result) return false;
  if (entry.mode !== "never") return true;
  const { verdict, reasons = [] } = entry.result;
  if (verdict !== "safe") return true;
  return reasons.length === 0;
}

/** The only URLs the extension will ever open for "proceed": absolute http(s), no credentials. */
export function proceedTarget(raw) {
  let url;
  try {
    url = new URL(String(raw));
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  return url.href;
}

/**
 * Whether the warning page may offer "proceed once".
 * The school's allowProceed=false removes it from dangerous and can't-verify pages; a caution page
 * ("be careful") stays advisory and always lets the student continue after reading it.
 */
export function canProceed({ url, kind, settings }) {
  if (proceedTarget(url) === null) return false;
  if (kind === "caution" || kind === "allow") return true;
  return Boolean(settings && settings.allowProceed);
}

/** Strip the fragment: the service and the browser's network stack never see it. */
export function cacheUrl(raw) {
  try {
    const url = new URL(String(raw));
    url.hash = "";
    return url.href;
  } catch {
    return null;
  }
}

/** http(s) URLs are the only ones sent to the service; the service's own origin is never checked. */
export function isCheckable(raw, serviceUrl) {
  let url;
  try {
    url = new URL(String(raw));
  } catch {
    return false;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return false;
  try {
    if (serviceUrl && new URL(serviceUrl).origin === url.origin) return false;
  } catch {
    // A broken service URL is reported by the options page; it does not stop checks.
  }
  return true;
}
