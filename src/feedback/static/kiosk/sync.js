// Sending the tablet's queue (queue.js) and showing how many responses are still waiting,
// on every kiosk page: staff must see at a glance what has not reached the server yet.
import * as queue from "./queue.js";
import { locale, pageLanguage, plural } from "./text.js";

const SYNC_EVERY_MS = 30000;

export async function showWaiting(data, language = pageLanguage()) {
  const indicator = document.getElementById("kiosk-queue");
  const strings = data && data.strings ? data.strings[language] : null;
  let waiting = 0;
  try {
    waiting = await queue.count();
  } catch (error) {
    return 0;
  }
  if (indicator && strings) {
    indicator.textContent = plural(strings.waiting, waiting, language);
    indicator.hidden = waiting === 0;
  }
  const panelCount = document.getElementById("kiosk-waiting");
  if (panelCount) {
    panelCount.textContent = waiting.toLocaleString(locale(language));
  }
  return waiting;
}

export async function syncNow(data, language) {
  if (!data || !data.syncUrl) {
    return null;
  }
  let result = null;
  try {
    result = await queue.sync(data.syncUrl);
  } catch (error) {
    result = null;
  }
  await showWaiting(data, language);
  return result;
}

// Whenever the network may be back: coming online, the tablet woken, and every so often.
export function keepSyncing(data, language) {
  const again = () => syncNow(data, language());
  window.addEventListener("online", again);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      again();
    }
  });
  setInterval(again, SYNC_EVERY_MS);
  again();
}

// Put a finished response in the queue; a tablet with no storage sends it straight away.
export async function hand(data, item) {
  try {
    await queue.enqueue(item);
  } catch (error) {
    console.error("kiosk: the response could not be queued on this tablet", error);
    try {
      await fetch(data.syncUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-Kiosk-Sync": "1" },
        body: JSON.stringify(item),
      });
    } catch (sendError) {
      console.error("kiosk: the response could not be sent either", sendError);
    }
  }
}
