// The main-frame navigation check: decide before the page can be used, send bad links to the warning page.

import { ext, readArea, warningUrl, writeArea, isFirefox } from "./browser.js";
import { getSettings } from "./state.js";
import { check } from "./checker.js";
import { navigationStarted, navigationEnded, endAllowOnce } from "./blocking.js";
import { settledByHold } from "./prerequest.js";
import { actionFor, blocksNavigation, cacheUrl, isCheckable } from "../lib/verdict.js";

const latest = new Map(); // tabId -> URL of its newest top-level navigation
const pending = new Map(); // tabId -> Promise<action> of that navigation's check
const running = new Map(); // tabId -> Set of its checks still running, older navigations' included

// Per-tab facts the popup, the fail-open notice and "back to safety" need; kept in storage.session.
async function tabs() {
  return readArea("session", "tabs", {});
}

/** The URL of the tab's newest top-level navigation we check (features/travel.js compares arrivals with it). */
export function latestUrl(tabId) {
  return latest.get(tabId);
}

export async function tabState(tabId) {
  return (await tabs())[tabId] || null;
}

// Writes are serialised: several tabs navigating at once must not lose each other's updates.
let writes = Promise.resolve();
function serial(task) {
  const run = writes.then(task, task);
  writes = run.catch(() => {});
  return run;
}

export function updateTab(tabId, patch) {
  return serial(async () => {
    const all = await tabs();
    all[tabId] = { ...(all[tabId] || {}), ...patch };
    await writeArea("session", "tabs", all);
  });
}

/** Remember a tab's newest fine page: checks finish out of order, so the navigation that started last wins. */
function noteSafe(tabId, url, startedAt) {
  return serial(async () => {
    const all = await tabs();
    const state = all[tabId] || {};
    if ((state.lastSafeAt ?? 0) > startedAt) return;
    all[tabId] = { ...state, lastSafe: url, lastSafeAt: startedAt };
    await writeArea("session", "tabs", all);
  });
}

function forgetTab(tabId) {
  return serial(async () => {
    const all = await tabs();
    delete all[tabId];
    await writeArea("session", "tabs", all);
  });
}

const BADGES = {
  warn: ["!", "#c62828"],
  caution: ["!", "#ef6c00"],
  unverified: ["?", "#616161"],
  notice: ["?", "#616161"],
};

function setBadge(tabId, kind) {
  const [text, color] = BADGES[kind] || ["", "#000000"];
  ext.action.setBadgeText({ tabId, text }).catch(() => {});
  if (text) ext.action.setBadgeBackgroundColor({ tabId, color }).catch(() => {});
}

async function decide(tabId, url, settings, startedAt) {
  const outcome = await check(url, { need: "navigation" });
  const action = actionFor(outcome, settings.values);
  // A fine page counts for "back to safety" even when the student left it before its check finished: a
  // pre-checked bad link on it is clicked as soon as it is marked, often before this slower full check.
  const fine = action.kind === "allow" || action.kind === "notice";
  if (latest.get(tabId) !== url) {
    if (fine && latest.has(tabId)) await noteSafe(tabId, url, startedAt); // (not for a tab closed since)
    return action; // the student already went somewhere else
  }
  await updateTab(tabId, { url, kind: action.kind, verdict: action.verdict || null });
  if (fine) await noteSafe(tabId, url, startedAt);
  setBadge(tabId, action.kind);
  const held = blocksNavigation(action) && settledByHold(tabId, url); // Firefox: see prerequest.js
  if (blocksNavigation(action) && !(held && (await held))) {
    // Without webRequestBlocking (MV3) the request may already be on its way; the tab still never shows it.
    await ext.tabs.update(tabId, { url: warningUrl(url) }).catch(() => {});
  }
  return action;
}

export function onBeforeNavigate(details) {
  if (details.frameId !== 0 || details.tabId < 0) return Promise.resolve();
  const { tabId, timeStamp } = details;
  const url = cacheUrl(details.url);
  latest.set(tabId, url);
  // All registered before the first await: the rule table must see this start before the tab's next commit
  // (navigationStarted), and the page's content script may ask about it (fail-open notice) while it runs.
  const started = navigationStarted(tabId, url, timeStamp);
  const work = navigate(tabId, url, details.url, started, timeStamp);
  pending.set(tabId, work);
  if (!running.has(tabId)) running.set(tabId, new Set());
  running.get(tabId).add(work);
  return work.finally(() => {
    if (pending.get(tabId) === work) pending.delete(tabId);
    running.get(tabId)?.delete(work);
  });
}

async function navigate(tabId, url, rawUrl, started, startedAt) {
  const how = await started;
  if (how === "proceeded") {
    await updateTab(tabId, { url, kind: "proceeded" });
    return null;
  }
  const settings = await getSettings();
  if (url === null || !isCheckable(rawUrl, settings.values.serviceUrl)) return null;
  if (how === "protected") return null; // a session rule already sends this request to the warning page
  return decide(tabId, url, settings, startedAt);
}

/**
 * At worker start: check the page of every open tab this browser session has not seen. A navigation that
 * began before the worker had registered its listeners fires no event it hears: seen in e2e runs when a
 * reused profile starts and a link opens at once (the browser started for a link from a chat app), the page
 * stayed unchecked for good. Tabs already decided in this session (storage.session) are left alone, so a
 * worker woken mid-session neither re-checks nor undoes a "proceed once".
 */
export async function checkUnseenTabs() {
  const [open, known] = await Promise.all([ext.tabs.query({}), tabs()]);
  const checks = [];
  for (const tab of open) {
    const raw = tab.pendingUrl || tab.url || "";
    if (typeof tab.id !== "number" || !/^https?:/iu.test(raw) || latest.has(tab.id)) continue;
    if (known[tab.id] && known[tab.id].url === cacheUrl(raw)) continue;
    checks.push(onBeforeNavigate({ tabId: tab.id, frameId: 0, url: raw, timeStamp: Date.now() }));
  }
  await Promise.all(checks);
}

// Synchronous up to navigationEnded, which queues behind this tab's navigationStarted (see there).
export function onCommitted(details) {
  if (details.frameId !== 0) return Promise.resolve();
  return navigationEnded(details.tabId, cacheUrl(details.url), false);
}

export function onErrorOccurred(details) {
  if (details.frameId !== 0) return Promise.resolve();
  return navigationEnded(details.tabId, cacheUrl(details.url), true);
}

export async function onTabRemoved(tabId) {
  latest.delete(tabId);
  pending.delete(tabId);
  running.delete(tabId);
  await endAllowOnce(tabId);
  await forgetTab(tabId);
}

/** For the content script's fail-open notice: the action decided (or being decided) for its page. */
export async function pageAction(tabId, pageUrl) {
  const url = cacheUrl(pageUrl);
  if (pending.has(tabId) && latest.get(tabId) === url) await pending.get(tabId).catch(() => null);
  const state = await tabState(tabId);
  return state && state.url === url ? state.kind : null;
}

/** Back to safety: the last page this tab showed that was fine, else close a tab we opened, else a new tab page. */
export async function backToSafety(tabId) {
  // The check of the page the student just left may still be running: its answer decides where "back" is.
  await Promise.allSettled([...(running.get(tabId) || [])]);
  const state = (await tabState(tabId)) || {};
  if (state.lastSafe) return ext.tabs.update(tabId, { url: state.lastSafe });
  if (typeof state.opener === "number") {
    await ext.tabs.update(state.opener, { active: true }).catch(() => {});
    return ext.tabs.remove(tabId);
  }
  if (isFirefox()) return ext.tabs.update(tabId, { url: "about:blank" });
  return ext.tabs.update(tabId, { url: "chrome://newtab/" });
}

/** Open one of our pages next to a tab; "back to safety" there closes it and returns to the opener. */
export async function openNextTo(tab, url) {
  const created = await ext.tabs.create({ url, openerTabId: tab.id, index: tab.index + 1 });
  await updateTab(created.id, { opener: tab.id });
  return created;
}
