// The "tell a trusted adult" message: the link (defanged so nobody opens it by accident) and the main reason.

/** hxxp://evil[.]example/... : the usual way security teams pass a bad link around without making it clickable. */
export function defang(raw) {
  let url;
  try {
    url = new URL(String(raw));
  } catch {
    return String(raw).replace(/\./gu, "[.]");
  }
  const scheme = url.protocol.replace(/^http/u, "hxxp");
  const host = url.host.replace(/\./gu, "[.]");
  return `${scheme}//${host}${url.pathname}${url.search}`;
}

/** Pick the reason worth telling: the highest-scoring one with a message. */
export function mainReason(result) {
  const reasons = (result && Array.isArray(result.reasons) ? result.reasons : []).filter((r) => r && typeof r.message === "string" && r.message);
  reasons.sort((a, b) => (Number(b.score) || 0) - (Number(a.score) || 0));
  return reasons.length ? reasons[0].message : "";
}

/** Build {title, text} for navigator.share or the clipboard; `t` is the page's translator. */
export function trustedAdultMessage({ url, result, t }) {
  const reason = mainReason(result);
  const lines = [t("shareIntro"), defang(url)];
  if (reason) lines.push(t("shareReason", [reason]));
  lines.push(t("shareAsk"));
  return { title: t("shareTitle"), text: lines.join("\n") };
}
