// Finished responses waiting on the tablet (IndexedDB) until the server has stored them.
//
// Each response carries an idempotency key made when it was finished. A response leaves the
// queue only when the server answers that it has stored that key, so a reply lost on the way
// back (or a request repeated) means the response is sent again, and the server, which keeps
// each key once, stores it once.

const DB_NAME = "feedback-kiosk";
const STORE = "queue";
const REQUEST_TIMEOUT_MS = 15000;

function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore(STORE, { keyPath: "key" });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

// Run one transaction; writes are "strict" so they are on disk before the promise resolves:
// a tablet switched off straight after "Send answers" keeps the response.
async function run(mode, work) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode, { durability: mode === "readwrite" ? "strict" : "default" });
    const request = work(tx.objectStore(STORE));
    tx.oncomplete = () => {
      db.close();
      resolve(request ? request.result : undefined);
    };
    tx.onerror = tx.onabort = () => {
      db.close();
      reject(tx.error);
    };
  });
}

export function enqueue(item) {
  return run("readwrite", (store) => store.put(item));
}

export function count() {
  return run("readonly", (store) => store.count());
}

function all() {
  return run("readonly", (store) => store.getAll());
}

function remove(key) {
  return run("readwrite", (store) => store.delete(key));
}

async function post(url, item) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  try {
    return await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      cache: "no-store",
      headers: { "Content-Type": "application/json", "X-Kiosk-Sync": "1" },
      body: JSON.stringify(item),
      signal: controller.signal,
    });
  } finally {
    clearTimeout(timer);
  }
}

async function sendAll(url) {
  const items = (await all()).sort((a, b) => (a.finished_at < b.finished_at ? -1 : 1));
  const result = { sent: 0, rejected: 0, stopped: null };
  for (const item of items) {
    let response;
    try {
      response = await post(url, item);
    } catch (error) {
      result.stopped = "network";
      break;
    }
    if (response.ok) {
      const body = await response.json().catch(() => ({}));
      if (body.stored === true && body.key === item.key) {
        await remove(item.key);
        result.sent += 1;
      } else {
        result.rejected += 1;
      }
    } else if (response.status === 422) {
      // The server cannot store it as it stands; it stays here, for staff to see, and is
      // offered again next time (a newer server may take it).
      result.rejected += 1;
    } else {
      // Not enrolled (401), too many requests (429), or the server is in trouble: later.
      result.stopped = response.status;
      break;
    }
  }
  result.waiting = await count();
  return result;
}

let running = null;
let again = false;

// Send the queue. One sync at a time in this page, and one at a time across the tablet's
// tabs where the browser has Web Locks; the server's keys make any overlap harmless anyway.
// Asked again while sending (a response just finished), it makes one more pass when done.
export function sync(url) {
  if (running) {
    again = true;
    return running;
  }
  const once = () => (navigator.locks ? navigator.locks.request("feedback-kiosk-sync", () => sendAll(url)) : sendAll(url));
  running = (async () => {
    let result;
    do {
      again = false;
      result = await once();
    } while (again && result.stopped === null);
    return result;
  })().finally(() => {
    running = null;
  });
  return running;
}
