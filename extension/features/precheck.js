// Pre-checking a page's links with wrapped links unwrapped: a link to l.facebook.com/l.php?u=<bad> is marked
// (and its click stopped) by the worst verdict among the link and the URLs inside it (lib/unwrap.js).

import { checkMany } from "./checker.js";
import { unwrapAll, worstOf } from "../lib/unwrap.js";
import { cacheUrl } from "../lib/verdict.js";

/**
 * Like checker.checkMany (Map link -> result), but each wrapped link is asked about together with the
 * URLs it carries, so an inner URL known to be bad condemns its wrapper even when the service has not seen
 * the wrapper's exact spelling (tracking tokens differ on every click). The inner URLs' own answers also
 * install their browser-level rules (checkMany), so a bad target's request is stopped even if a click slips by.
 */
export async function checkLinks(urls) {
  const inside = new Map();
  for (const url of urls) {
    const key = cacheUrl(url);
    if (key === null) continue;
    inside.set(key, unwrapAll(url).filter((f) => f.web).map((f) => cacheUrl(f.url)).filter(Boolean));
  }
  const answers = await checkMany([...inside.keys(), ...[...inside.values()].flat()]);
  const out = new Map();
  for (const [key, inner] of inside) {
    const worst = worstOf([answers.get(key), ...inner.map((u) => answers.get(u))]);
    if (worst) out.set(key, worst);
  }
  return out;
}
