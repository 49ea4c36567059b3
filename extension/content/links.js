// Content script: pre-check the links a page shows (batched, as they come into view, also in chat apps that
// build links later), mark known-bad ones, and stop a click on them before any request leaves.
// A classic script (content scripts cannot be ES modules); it reads no page text and sends only link URLs.
(() => {
  "use strict";

  const ext = globalThis.browser ?? globalThis.chrome;
  if (!ext || !ext.runtime || window.top !== window) return;

  const BATCH = 100; // one service call (DESIGN.md: batch <= 100)
  const FLUSH_MS = 120; // gather links that come into view together into one message
  const NEAR = "800px 0px"; // start checking a little before a link scrolls into view
  const RETRY_MS = 3000; // a batch the service could not answer is tried again, twice at most
  const MAX_TRIES = 3;

  const verdicts = new Map(); // link URL (no fragment) -> {verdict, title}
  const queued = new Set(); // URLs sent or waiting
  const waiting = new Set(); // anchors observed but not yet near the viewport
  const tries = new Map(); // URL -> batches sent for it without an answer
  let queue = [];
  let timer = 0;
  let markers = true;
  let stopped = false;

  function keyOf(anchor) {
    let href = anchor.href;
    if (href && typeof href === "object") href = href.animVal || href.baseVal; // SVG <a>
    if (typeof href !== "string" || href === "") return null;
    try {
      const url = new URL(href, document.baseURI);
      if (url.protocol !== "http:" && url.protocol !== "https:") return null;
      url.hash = "";
      return url.href;
    } catch {
      return null;
    }
  }

  function wanted(key) {
    return key !== null && !queued.has(key) && !verdicts.has(key) && new URL(key).origin !== location.origin;
  }

  function send(message) {
    try {
      return ext.runtime.sendMessage(message).catch(() => null);
    } catch {
      return Promise.resolve(null); // the extension was reloaded; this old script is orphaned
    }
  }

  function mark(anchor, found) {
    if (!markers || !found || found.verdict === "safe") return;
    if (anchor.getAttribute("data-linkguard") === found.verdict) return;
    anchor.setAttribute("data-linkguard", found.verdict);
    if (!anchor.hasAttribute("data-linkguard-title")) anchor.setAttribute("data-linkguard-title", anchor.getAttribute("title") || "");
    anchor.setAttribute("title", found.title || "Link Guard");
  }

  function markAll() {
    for (const anchor of document.querySelectorAll("a[href], area[href]")) {
      const found = verdicts.get(keyOf(anchor));
      if (found && found.verdict !== "safe") mark(anchor, found);
    }
  }

  function enqueue(key) {
    queued.add(key);
    queue.push(key);
    if (!timer) timer = setTimeout(flush, FLUSH_MS);
  }

  async function flush() {
    timer = 0;
    if (stopped) return;
    // Fill the call: links near the viewport first, then the page's other links in document order, so a
    // page of 200 links costs two service calls however the student scrolls.
    for (const anchor of waiting) {
      if (queue.length >= BATCH) break;
      waiting.delete(anchor);
      const key = keyOf(anchor);
      if (wanted(key)) {
        queued.add(key);
        queue.push(key);
      }
    }
    const urls = queue.splice(0, BATCH);
    if (queue.length) timer = setTimeout(flush, FLUSH_MS);
    if (urls.length === 0) return;
    const answer = await send({ type: "checkLinks", urls });
    if (answer && answer.ok && answer.disabled) {
      stop();
      return;
    }
    const found = answer && answer.ok ? answer.verdicts || {} : {};
    markers = !answer || answer.markers !== false;
    let bad = false;
    for (const [url, verdict] of Object.entries(found)) {
      verdicts.set(url, verdict);
      tries.delete(url);
      if (verdict.verdict !== "safe") bad = true;
    }
    if (bad) markAll();
    retryLater(urls.filter((url) => !verdicts.has(url)));
  }

  // The service was unreachable or busy: these links stay unmarked (the navigation check still runs on
  // click), and are asked about again a little later.
  function retryLater(urls) {
    const again = urls.filter((url) => {
      const n = (tries.get(url) || 0) + 1;
      tries.set(url, n);
      return n < MAX_TRIES;
    });
    if (again.length === 0) return;
    setTimeout(() => {
      for (const url of again) {
        queued.delete(url);
        if (wanted(url)) enqueue(url);
      }
    }, RETRY_MS);
  }

  const nearView = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        nearView.unobserve(entry.target);
        waiting.delete(entry.target);
        const key = keyOf(entry.target);
        if (wanted(key)) enqueue(key);
        else if (key && verdicts.has(key)) mark(entry.target, verdicts.get(key));
      }
    },
    { rootMargin: NEAR },
  );

  function watch(anchor) {
    const key = keyOf(anchor);
    if (key === null) return;
    if (verdicts.has(key)) {
      mark(anchor, verdicts.get(key));
      return;
    }
    waiting.add(anchor);
    nearView.observe(anchor);
  }

  function scan(node) {
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    if (node.matches("a[href], area[href]")) watch(node);
    for (const anchor of node.querySelectorAll("a[href], area[href]")) watch(anchor);
  }

  const mutations = new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === "attributes") {
        if (!record.target.matches("a[href], area[href]")) continue;
        record.target.removeAttribute("data-linkguard"); // the link now points elsewhere
        watch(record.target);
      } else {
        for (const node of record.addedNodes) scan(node);
      }
    }
  });

  function stop() {
    stopped = true;
    mutations.disconnect();
    nearView.disconnect();
    waiting.clear();
  }

  // Capture phase on window: runs before the page's own handlers, so a page cannot swallow the click first.
  function onClick(event) {
    if (event.type === "click" && event.button !== 0) return;
    if (event.type === "auxclick" && event.button !== 1) return;
    const anchor = event.composedPath().find((n) => n instanceof Element && n.matches("a[href], area[href]"));
    if (!anchor) return;
    const key = keyOf(anchor);
    const found = key && verdicts.get(key);
    if (!found || found.verdict === "safe") return;
    event.preventDefault();
    event.stopImmediatePropagation();
    const target = (anchor.getAttribute("target") || "").toLowerCase();
    const newTab = event.button === 1 || event.ctrlKey || event.metaKey || event.shiftKey || (target !== "" && !["_self", "_top", "_parent"].includes(target));
    send({ type: "blockedClick", url: key, newTab });
  }

  window.addEventListener("click", onClick, true);
  window.addEventListener("auxclick", onClick, true);
  mutations.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["href"] });
  if (document.documentElement) scan(document.documentElement);

  // Fail-open notice: the navigation check could not reach the service for this page.
  send({ type: "pageStatus" }).then((answer) => {
    if (!answer || !answer.ok || !answer.notice) return;
    const show = () => {
      const host = document.createElement("linkguard-notice");
      host.setAttribute("data-linkguard", "notice");
      const root = host.attachShadow({ mode: "open" });
      const box = document.createElement("div");
      box.setAttribute("role", "status");
      box.style.cssText = "position:fixed;z-index:2147483647;top:8px;left:50%;transform:translateX(-50%);max-width:560px;background:#424242;color:#fff;font:14px/1.4 system-ui,sans-serif;padding:10px 14px;border-radius:8px;box-shadow:0 2px 8px rgba(0,0,0,.4);display:flex;gap:12px;align-items:center";
      const text = document.createElement("span");
      text.textContent = answer.text;
      const button = document.createElement("button");
      button.textContent = answer.dismiss;
      button.style.cssText = "font:inherit;background:#fff;color:#222;border:0;border-radius:4px;padding:4px 10px;cursor:pointer";
      button.addEventListener("click", () => host.remove());
      box.append(text, button);
      root.append(box);
      document.documentElement.append(host);
    };
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", show, { once: true });
    else show();
  });
})();
