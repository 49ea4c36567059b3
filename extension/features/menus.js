// Context menu on links: check or report a link without visiting it (the link opens nowhere but our page).

import { ext, warningUrl } from "./browser.js";
import { getTranslator } from "./state.js";
import { proceedTarget } from "../lib/verdict.js";
import { openNextTo } from "./navigation.js";
import { MENU_ID as TEXT_MENU, menuItem as textMenuItem, onMenuClicked as onTextMenuClicked } from "./textcheck.js";

const LINK_PATTERNS = ["http://*/*", "https://*/*"];

export async function install() {
  const t = await getTranslator();
  await ext.contextMenus.removeAll();
  ext.contextMenus.create({ id: "lg-check", title: t("menuCheckLink"), contexts: ["link"], targetUrlPatterns: LINK_PATTERNS });
  ext.contextMenus.create({ id: "lg-report", title: t("menuReportLink"), contexts: ["link"], targetUrlPatterns: LINK_PATTERNS });
  ext.contextMenus.create(textMenuItem(t)); // selected text: check it as a message (issue 14)
}

export async function onClicked(info, tab) {
  if (info.menuItemId === TEXT_MENU) return onTextMenuClicked(info, tab);
  const url = proceedTarget(info.linkUrl);
  if (url === null || !tab) return;
  const mode = info.menuItemId === "lg-report" ? "report" : "check";
  await openNextTo(tab, warningUrl(url, mode));
}
