// Settings: defaults, validation, and the merge where a school's managed policy wins and locks a control.
// managed_schema.json must describe exactly these keys (tests/settings.test.mjs checks it).

export const DEFAULT_SERVICE_URL = "http://127.0.0.1:8080"; // what `make run` serves

export const DEFAULTS = Object.freeze({
  serviceUrl: DEFAULT_SERVICE_URL,
  language: "auto", // auto | vi | en
  failMode: "open", // open: page loads with a notice; closed: "can't verify" page
  markers: true, // mark known-bad links on pages
  precheck: true, // pre-check the links a page shows (batched)
  allowProceed: true, // "proceed once" on dangerous / can't-verify pages
  apiKey: "", // sent as "Authorization: Bearer" when the school's service requires a key
});

const ENUMS = Object.freeze({
  language: ["auto", "vi", "en"],
  failMode: ["open", "closed"],
});

/** Normalise a service URL: http(s), no credentials, no query or fragment, no trailing slash. */
export function normalizeServiceUrl(raw) {
  if (typeof raw !== "string" || raw.trim() === "" || raw.length > 2048) return null;
  let url;
  try {
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  if (url.username || url.password || url.search || url.hash) return null;
  // origin + path, not href: an empty query ("https://x/?") would otherwise stay in every request URL
  return `${url.origin}${url.pathname}`.replace(/\/+$/u, "");
}

/** Validate one value; returns the clean value or undefined when it is not acceptable. */
export function validateValue(key, value) {
  if (!Object.hasOwn(DEFAULTS, key)) return undefined; // not inherited names: "toString" is no setting
  if (key === "serviceUrl") return normalizeServiceUrl(value) ?? undefined;
  if (Object.hasOwn(ENUMS, key)) return ENUMS[key].includes(value) ? value : undefined;
  if (typeof DEFAULTS[key] === "boolean") return typeof value === "boolean" ? value : undefined;
  if (key === "apiKey") return typeof value === "string" && value.length <= 256 && !/[\r\n]/u.test(value) ? value : undefined;
  return undefined;
}

/** Keep only known keys with valid values; report the rest as {key: reason} in `invalid`. */
export function sanitize(raw) {
  const values = {};
  const invalid = [];
  if (raw && typeof raw === "object") {
    for (const [key, value] of Object.entries(raw)) {
      const clean = validateValue(key, value);
      if (clean === undefined) invalid.push(key);
      else values[key] = clean;
    }
  }
  return { values, invalid };
}

/**
 * Effective settings: defaults < user's local choices < managed policy.
 * Returns {values, locked: [keys set by policy], invalidPolicy: [policy keys that were ignored]}.
 */
export function effectiveSettings(local, managed) {
  const user = sanitize(local).values;
  const policy = sanitize(managed);
  return {
    values: { ...DEFAULTS, ...user, ...policy.values },
    locked: Object.keys(policy.values).sort(),
    invalidPolicy: policy.invalid.sort(),
  };
}

/**
 * What to store after the options page saves: only valid keys the policy does not lock.
 * Returns {save, rejected} so the page can say which fields were refused.
 */
export function changesToSave(form, locked) {
  const lockedSet = new Set(locked);
  const { values, invalid } = sanitize(form);
  const save = {};
  const rejected = [...invalid];
  for (const [key, value] of Object.entries(values)) {
    if (lockedSet.has(key)) rejected.push(key);
    else save[key] = value;
  }
  return { save, rejected: rejected.sort() };
}

/** "auto" follows the browser's UI language; Vietnamese is the default for everything else. */
export function resolveLanguage(setting, uiLanguage) {
  if (setting === "vi" || setting === "en") return setting;
  const ui = String(uiLanguage || "").toLowerCase();
  if (ui.startsWith("en")) return "en";
  return "vi";
}

// Chromium's first storage.managed read after the browser starts can take seconds (about 2.9 s measured,
// headless, with the e2e policy directory): a link opened from a chat app at browser start would load
// unchecked for that long. A navigation waits at most this long for the school's policy...
export const POLICY_WAIT_MS = 250;

/**
 * The school's policy without stalling a check: `fresh` (the storage.managed read) if it answers within
 * `waitMs`; else the last policy seen (`lastSeen()`, a snapshot kept in storage.local) when there is one;
 * else, on the very first run with no snapshot, the fresh read however long it takes.
 */
export async function policyWithin(fresh, lastSeen, waitMs = POLICY_WAIT_MS) {
  const late = Symbol("late");
  let timer;
  const deadline = new Promise((resolve) => {
    timer = setTimeout(() => resolve(late), waitMs);
  });
  const first = await Promise.race([fresh, deadline]);
  clearTimeout(timer);
  if (first !== late) return first;
  const snapshot = await lastSeen();
  return snapshot && typeof snapshot === "object" && !Array.isArray(snapshot) ? snapshot : fresh;
}
