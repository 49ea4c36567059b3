// Settings (user's choices merged with the school's policy), the service client and the verdict cache.
// Everything lives in chrome.storage; the in-memory copies are only caches the worker may lose at any time.

import { ext, readArea, writeArea } from "./browser.js";
import { effectiveSettings, policyWithin, POLICY_WAIT_MS, resolveLanguage } from "../lib/settings.js";
import { createClient } from "../lib/api.js";
import { VerdictCache } from "../lib/cache.js";
import { translator } from "../lib/i18n.js";

const POLICY_SNAPSHOT = "policySnapshot"; // the last storage.managed answer, for a slow first read
let snapshotJson = null; // what this worker last wrote (one write per change, not per check)

async function readPolicy() {
  let managed;
  try {
    managed = (await ext.storage.managed.get(null)) || {};
  } catch {
    managed = {}; // Firefox without a policy, or a browser without managed storage
  }
  const json = JSON.stringify(managed);
  if (json !== snapshotJson) {
    snapshotJson = json;
    await writeArea("local", POLICY_SNAPSHOT, managed).catch(() => {});
  }
  return managed;
}

/**
 * {values, locked, invalidPolicy}, read afresh on every call: two small storage reads are cheap next to a
 * network check, and a memo would race with storage.onChanged right after the student (or IT) saves.
 * The policy is the last one seen when Chromium's first managed read after start is slow (policyWithin).
 */
export async function getSettings() {
  const local = await readArea("local", "settings", {});
  const read = currentPolicy();
  const wait = Math.max(0, read.waitUntil - Date.now());
  const managed = await policyWithin(read.promise, () => readArea("local", POLICY_SNAPSHOT, null), wait);
  return effectiveSettings(local, managed);
}

// One managed read in flight at a time, shared by every caller, with one deadline: a navigation check asks
// for settings three times (settings, language, client) and waits out a slow first read once, not three times.
let policyRead = null; // {promise, waitUntil}

function currentPolicy() {
  if (!policyRead) {
    const read = { promise: readPolicy(), waitUntil: Date.now() + POLICY_WAIT_MS };
    read.promise.finally(() => {
      if (policyRead === read) policyRead = null;
    });
    policyRead = read;
  }
  return policyRead;
}

export async function saveSettings(values) {
  const current = await readArea("local", "settings", {});
  await writeArea("local", "settings", { ...current, ...values });
}

export async function getLang() {
  const { values } = await getSettings();
  return resolveLanguage(values.language, ext.i18n.getUILanguage());
}

export async function getClient() {
  const { values } = await getSettings();
  return createClient({ baseUrl: values.serviceUrl, apiKey: values.apiKey });
}

// Verdicts stay in storage.session: in memory, gone when the browser closes (no browsing history on disk).
const sessionStorage = {
  load: () => readArea("session", "verdicts", {}),
  save: (snapshot) => writeArea("session", "verdicts", snapshot),
};
export const verdictCache = new VerdictCache({ storage: sessionStorage });

const catalogs = new Map();

/** A translator for the student's language, for text the worker hands to content scripts. */
export async function getTranslator() {
  const lang = await getLang();
  if (!catalogs.has(lang)) {
    catalogs.set(
      lang,
      fetch(ext.runtime.getURL(`_locales/${lang}/messages.json`))
        .then((r) => r.json())
        .catch(() => ({})),
    );
  }
  return translator(await catalogs.get(lang));
}
