// The kiosk's service worker: the kiosk starts and works with no network.
//
// Served from /kiosk/sw.js, so it controls the kiosk's pages and no others. It keeps the
// kiosk shell (the one page a tablet shows, the same for everyone: no answers are ever in
// it) and the assets it needs. Pages are fetched from the network first, so that a revoked
// tablet, or a new version, is seen at once; the copy is used when the network fails.
// Responses are never cached here: the page queues them in IndexedDB and sends them itself.

const VERSION = "__VERSION__";
const PRECACHE = ["__PRECACHE__"];
const CACHE = `feedback-kiosk-${VERSION}`;
const SHELL = "/kiosk/";
const OFFLINE = "/kiosk/offline";
const NETWORK_TIMEOUT_MS = 5000;

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll(PRECACHE.map((url) => new Request(url, { cache: "reload", credentials: "same-origin" })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        if (key.startsWith("feedback-kiosk-") && key !== CACHE) {
          await caches.delete(key);
        }
      }
      await self.clients.claim();
    })(),
  );
});

async function fromNetwork(request) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), NETWORK_TIMEOUT_MS);
  try {
    return await fetch(request, { signal: controller.signal });
  } finally {
    clearTimeout(timer);
  }
}

// The cache, unless it has gone: after leaving kiosk mode the page deletes it while this
// worker may still be answering the page's last requests, which must not make it again.
async function ownCache() {
  return (await caches.has(CACHE)) ? caches.open(CACHE) : null;
}

async function page(request, url) {
  try {
    const response = await fromNetwork(request);
    const cache = url.pathname === SHELL ? await ownCache() : null;
    if (cache && response.ok) {
      await cache.put(SHELL, response.clone());
    } else if (cache && (response.status === 401 || response.status === 403)) {
      await cache.delete(SHELL); // no longer a kiosk: do not show the shell offline either
    }
    return response;
  } catch (error) {
    const shell = url.pathname === SHELL ? await caches.match(SHELL, { cacheName: CACHE, ignoreSearch: true }) : null;
    return shell || (await caches.match(OFFLINE, { cacheName: CACHE })) || Response.error();
  }
}

async function asset(request) {
  const cached = await caches.match(request, { cacheName: CACHE });
  if (cached) {
    return cached;
  }
  const response = await fetch(request);
  const cache = await ownCache();
  if (cache && response.ok && response.type === "basic") {
    await cache.put(request, response.clone());
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/kiosk/api/")) {
    return; // straight to the network
  }
  if (request.mode === "navigate") {
    event.respondWith(page(request, url));
  } else if (url.pathname.startsWith("/assets/") || PRECACHE.includes(url.pathname)) {
    event.respondWith(asset(request));
  }
});
