// The WebExtension namespace (chrome.* in Chrome/Edge, browser.* in Firefox) and this extension's own URLs.

export const ext = globalThis.browser ?? globalThis.chrome;

export const extensionOrigin = new URL(ext.runtime.getURL("/")).origin;

export function warningPage() {
  return ext.runtime.getURL("warning.html");
}

/** warning.html#<url>: the page reads the link from its hash, never from a query the web could craft more easily. */
export function warningUrl(url, mode) {
  return `${warningPage()}${mode ? `?mode=${encodeURIComponent(mode)}` : ""}#${url}`;
}

export function isFirefox() {
  return extensionOrigin.startsWith("moz-extension:");
}

/** Read one key of an extension storage area, tolerating areas a browser lacks. */
export async function readArea(area, key, fallback) {
  try {
    const got = await ext.storage[area].get(key);
    return got && got[key] !== undefined ? got[key] : fallback;
  } catch {
    return fallback;
  }
}

export async function writeArea(area, key, value) {
  await ext.storage[area].set({ [key]: value });
}
