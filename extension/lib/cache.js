// The local verdict cache: answers keyed by language and URL, kept no longer than the service's `ttl`.
// Storage is injected ({load, save}) so the worker can back it with chrome.storage.session and tests with a Map.

export const MAX_TTL_SECONDS = 24 * 3600; // never trust a verdict longer than a day, whatever the service says
export const DEFAULT_TTL_SECONDS = 300; // when an answer carries no usable ttl
export const MAX_ENTRIES = 1000;

/** Seconds an answer may be reused: the service's ttl, clamped; 0 means "do not cache". */
export function ttlSeconds(result) {
  const ttl = result ? result.ttl : undefined;
  if (typeof ttl !== "number" || !Number.isFinite(ttl)) return DEFAULT_TTL_SECONDS;
  return Math.max(0, Math.min(Math.floor(ttl), MAX_TTL_SECONDS));
}

export function cacheKey(lang, url) {
  return `${lang}|${url}`;
}

export class VerdictCache {
  /**
   * storage: {load(): Promise<object|undefined>, save(object): Promise<void>}
   * now: () => milliseconds; maxEntries: eviction bound (oldest expiry goes first).
   */
  constructor({ storage, now = () => Date.now(), maxEntries = MAX_ENTRIES } = {}) {
    this.storage = storage;
    this.now = now;
    this.maxEntries = maxEntries;
    this.entries = null; // Map key -> {result, mode, expires}; loaded on first use
    this.loading = null;
    this.saving = null;
  }

  async ready() {
    if (this.entries) return;
    if (!this.loading) {
      this.loading = (async () => {
        const stored = this.storage ? await this.storage.load() : undefined;
        const map = new Map();
        if (stored && typeof stored === "object") {
          for (const [key, entry] of Object.entries(stored)) {
            if (entry && typeof entry.expires === "number" && entry.result) map.set(key, entry);
          }
        }
        this.entries = map;
      })();
    }
    await this.loading;
  }

  /** The live entry for a key, or null; expired entries are dropped on the way. */
  async get(lang, url) {
    await this.ready();
    const key = cacheKey(lang, url);
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (entry.expires <= this.now()) {
      this.entries.delete(key);
      this.persist();
      return null;
    }
    return entry;
  }

  /** Store one answer; `mode` is the resolve mode it was computed with ("never" for batch pre-checks). */
  async put(lang, url, result, mode) {
    await this.putMany(lang, [[url, result]], mode);
  }

  async putMany(lang, pairs, mode) {
    await this.ready();
    const now = this.now();
    let changed = false;
    for (const [url, result] of pairs) {
      const ttl = ttlSeconds(result);
      if (ttl === 0) continue;
      const key = cacheKey(lang, url);
      const old = this.entries.get(key);
      // A full check (resolve auto/always) is never replaced by a weaker batch answer still in date.
      if (old && old.mode !== "never" && mode === "never" && old.expires > now) continue;
      this.entries.delete(key); // re-insert so Map order follows freshness
      this.entries.set(key, { result, mode, expires: now + ttl * 1000 });
      changed = true;
    }
    if (changed) {
      this.evict(now);
      await this.persist();
    }
  }

  evict(now) {
    for (const [key, entry] of this.entries) {
      if (entry.expires <= now) this.entries.delete(key);
    }
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      this.entries.delete(oldest);
    }
  }

  async clear() {
    await this.ready();
    this.entries.clear();
    await this.persist();
  }

  get size() {
    return this.entries ? this.entries.size : 0;
  }

  persist() {
    if (!this.storage) return Promise.resolve();
    const snapshot = Object.fromEntries(this.entries);
    this.saving = Promise.resolve(this.saving)
      .catch(() => {})
      .then(() => this.storage.save(snapshot));
    return this.saving;
  }
}
