// Settings (user's choices merged with the school's policy), the service client and the verdict cache.
// Everything lives in chrome.storage; the in-memory copies are only caches the worker may lose at any time.

import { ext, readArea, writeArea } from "./browser.js";
import { effectiveSettings, resolveLanguage } from "../lib/settings.js";
import { createClient } from "../lib/api.js";
import { VerdictCache } from "../lib/cache.js";
import { translator } from "../lib/i18n.js";

/**
 * {values, locked, invalidPolicy}, read afresh on every call: two small storage reads are cheap next to a
 * network check, and a memo would race with storage.onChanged right after the student (or IT) saves.
 */
export async function getSettings() {
  const local = await readArea("local", "settings", {});
  let managed = {};
  try {
    managed = (await ext.storage.managed.get(null)) || {};
  } catch {
    managed = {}; // Firefox without a policy, or a browser without managed storage
  }
  return effectiveSettings(local, managed);
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
