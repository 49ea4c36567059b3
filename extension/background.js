// Service worker: imports the feature files and registers every listener synchronously at top level, as MV3
// requires for events to wake a stopped worker (developer.chrome.com "Extension service worker lifecycle").

import { ext, extensionOrigin } from "./features/browser.js";
import { createDispatcher } from "./lib/dispatch.js";
import { routes } from "./features/messages.js";
import { checkUnseenTabs, onBeforeNavigate, onCommitted, onErrorOccurred, onTabRemoved } from "./features/navigation.js";
import { install as installMenus, onClicked as onMenuClicked } from "./features/menus.js";
import { register as registerRequestHold } from "./features/prerequest.js";
import * as travel from "./features/travel.js";

function logError(where) {
  return (error) => console.warn(`Link Guard: ${where} failed`, error);
}

ext.runtime.onMessage.addListener(
  createDispatcher(routes, { id: ext.runtime.id, origin: extensionOrigin }, { onError: (type, error) => logError(type)(error) }),
);
ext.webNavigation.onBeforeNavigate.addListener((d) => onBeforeNavigate(d).catch(logError("navigation check")));
ext.webNavigation.onCommitted.addListener((d) => onCommitted(d).catch(logError("commit")));
ext.webNavigation.onErrorOccurred.addListener((d) => onErrorOccurred(d).catch(logError("navigation error")));
ext.webRequest.onBeforeRedirect.addListener((d) => travel.onBeforeRedirect(d).catch(logError("redirect check")), travel.REDIRECT_FILTER);
ext.webNavigation.onCommitted.addListener((d) => travel.onCommitted(d).catch(logError("arrival check")));
ext.webNavigation.onHistoryStateUpdated.addListener((d) => travel.onHistoryStateUpdated(d).catch(logError("history check")));
ext.tabs.onRemoved.addListener((tabId) => onTabRemoved(tabId).catch(logError("tab removed")));
ext.contextMenus.onClicked.addListener((info, tab) => onMenuClicked(info, tab).catch(logError("context menu")));
ext.runtime.onInstalled.addListener(() => installMenus().catch(logError("menus")));
ext.runtime.onStartup.addListener(() => installMenus().catch(logError("menus"))); // Firefox forgets menus
ext.storage.onChanged.addListener((changes, area) => {
  // Menu titles follow the student's language.
  if (area === "managed" || (area === "local" && changes.settings)) installMenus().catch(logError("menus"));
});
registerRequestHold(); // Firefox: blocking webRequest holds a top-level request until its check answers
checkUnseenTabs().catch(logError("open tabs check")); // after the listeners: see navigation.js
