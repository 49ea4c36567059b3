// Message routes: what our pages and our content script may ask the worker, each with the senders it accepts.

import { ext, warningUrl } from "./browser.js";
import { getSettings, getTranslator, getLang, saveSettings } from "./state.js";
import { check } from "./checker.js";
import { checkLinks } from "./precheck.js";
import { allowOnce } from "./blocking.js";
import { backToSafety, openNextTo, pageAction } from "./navigation.js";
import { actionFor, canProceed, markerFor, proceedTarget } from "../lib/verdict.js";
import { changesToSave, normalizeServiceUrl, DEFAULT_SERVICE_URL } from "../lib/settings.js";
import { createClient } from "../lib/api.js";
import { mainReason } from "../lib/share.js";
import { textRoutes } from "./textcheck.js";

const MAX_LINKS_PER_MESSAGE = 500;
const REPORT_KINDS = ["phishing", "scam", "lure", "false_positive", "other"];

function fail(code, message = code) {
  return Object.assign(new Error(message), { code });
}

/** Verdict, action and whether proceeding is allowed; `need` as in checker.check. */
async function assess(url, need = "resolved") {
  const settings = await getSettings();
  const outcome = await check(url, { need });
  const action = actionFor(outcome, settings.values);
  return { outcome, action, canProceed: canProceed({ url, kind: action.kind, settings: settings.values }) };
}

/** The tab's page, seen through our warning page when that is what the tab shows. */
function pageUrlOf(tabUrl) {
  if (typeof tabUrl !== "string") return null;
  const warning = ext.runtime.getURL("warning.html");
  if (tabUrl.startsWith(warning)) {
    const at = tabUrl.indexOf("#");
    return at >= 0 ? tabUrl.slice(at + 1) : null;
  }
  return tabUrl;
}

export const routes = {
  ...textRoutes, // checkText, openMessage: a whole message (features/textcheck.js)
  settings: {
    from: ["page"],
    async handle() {
      const s = await getSettings();
      return { ...s, lang: await getLang(), defaultServiceUrl: DEFAULT_SERVICE_URL };
    },
  },
  saveSettings: {
    from: ["page"],
    async handle(msg) {
      const { locked } = await getSettings();
      const { save, rejected } = changesToSave(msg.values || {}, locked);
      await saveSettings(save);
      return { saved: Object.keys(save).sort(), rejected };
    },
  },
  testService: {
    from: ["page"],
    async handle(msg) {
      const base = normalizeServiceUrl(msg.serviceUrl);
      if (!base) throw fail("invalid_service_url");
      const { values } = await getSettings();
      await createClient({ baseUrl: base, apiKey: values.apiKey }).health();
      return { serviceUrl: base };
    },
  },
  verdict: {
    from: ["page"],
    async handle(msg) {
      if (proceedTarget(msg.url) === null) return { action: { kind: "invalid" }, canProceed: false };
      return assess(proceedTarget(msg.url));
    },
  },
  check: {
    from: ["page"],
    async handle(msg) {
      const url = proceedTarget(msg.url);
      if (url === null) throw fail("invalid_url");
      return { url, ...(await assess(url)) };
    },
  },
  tabStatus: {
    from: ["page"],
    async handle(msg) {
      const tab = await ext.tabs.get(Number(msg.tabId));
      const url = proceedTarget(pageUrlOf(tab.url));
      if (url === null) return { url: null, action: { kind: "invalid" } };
      return { url, ...(await assess(url)) };
    },
  },
  proceed: {
    from: ["page"],
    async handle(msg, sender) {
      const url = proceedTarget(msg.url);
      if (url === null) throw fail("scheme", "only http and https links can be opened");
      if (!sender.tab) throw fail("no_tab");
      const { action, canProceed: allowed } = await assess(url, "any"); // decided here, never by the page
      if (action.kind !== "allow") {
        if (!allowed) throw fail("not_allowed", "proceeding is turned off for this link");
        await allowOnce(sender.tab.id, url);
      }
      await ext.tabs.update(sender.tab.id, { url });
      return { url };
    },
  },
  back: {
    from: ["page"],
    async handle(_msg, sender) {
      if (!sender.tab) throw fail("no_tab");
      await backToSafety(sender.tab.id);
      return {};
    },
  },
  report: {
    from: ["page"],
    async handle(msg) {
      if (typeof msg.url !== "string" || msg.url.length > 8192) throw fail("invalid_url");
      const kind = REPORT_KINDS.includes(msg.kind) ? msg.kind : "other";
      const comment = typeof msg.comment === "string" ? msg.comment.slice(0, 1000) : "";
      const { values } = await getSettings();
      const client = createClient({ baseUrl: values.serviceUrl, apiKey: values.apiKey });
      const answer = await client.report(msg.url, kind, comment);
      return { id: String(answer.id || "") };
    },
  },
  checkLinks: {
    from: ["content"],
    async handle(msg) {
      const { values } = await getSettings();
      if (!values.precheck) return { disabled: true };
      const urls = Array.isArray(msg.urls) ? msg.urls.filter((u) => typeof u === "string").slice(0, MAX_LINKS_PER_MESSAGE) : [];
      const answers = await checkLinks(urls);
      const t = await getTranslator();
      const verdicts = {};
      for (const [url, result] of answers) {
        const marker = markerFor(result.verdict);
        verdicts[url] = marker
          ? { verdict: marker, title: t(marker === "dangerous" ? "markerDangerous" : "markerSuspicious", [mainReason(result)]).trim() }
          : { verdict: "safe" };
      }
      return { verdicts, markers: values.markers };
    },
  },
  blockedClick: {
    from: ["content"],
    async handle(msg, sender) {
      const url = proceedTarget(msg.url);
      if (url === null) throw fail("scheme");
      if (msg.newTab) await openNextTo(sender.tab, warningUrl(url));
      else await ext.tabs.update(sender.tab.id, { url: warningUrl(url) });
      return {};
    },
  },
  pageStatus: {
    from: ["content"],
    async handle(_msg, sender) {
      const kind = await pageAction(sender.tab.id, sender.url);
      if (kind !== "notice") return { notice: false };
      const t = await getTranslator();
      return { notice: true, text: t("noticeUnverified"), dismiss: t("noticeDismiss") };
    },
  },
};
