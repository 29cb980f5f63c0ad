// Staff taking a tablet out of kiosk mode. The panel sends the queue first and will not let
// the tablet leave while any response is still waiting on it; staff screens left open go
// back to the kiosk; once out, the tablet forgets the kiosk's service worker and caches.
import { pageLanguage } from "./text.js";
import { showWaiting, syncNow } from "./sync.js";

export function startPanel(data) {
  const message = document.getElementById("kiosk-sync-message");
  const language = pageLanguage();
  const strings = data.strings[language];
  const report = (result) => {
    if (!result) {
      return;
    }
    message.textContent = result.waiting === 0 ? strings.allSent : strings.notSent;
  };
  document.querySelector("[data-action='sync-now']").addEventListener("click", async () => {
    message.textContent = strings.sending;
    report(await syncNow(data, language));
  });
  const leave = document.getElementById("kiosk-leave-form");
  leave.addEventListener("submit", async (event) => {
    event.preventDefault();
    await syncNow(data, language);
    if ((await showWaiting(data, language)) > 0) {
      message.textContent = strings.leaveBlocked;
      message.setAttribute("role", "alert");
      return;
    }
    leave.submit();
  });
  showWaiting(data, language);
}

export function returnWhenIdle(url, seconds) {
  let timer = null;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => location.replace(url), seconds * 1000);
  };
  for (const type of ["pointerdown", "keydown", "input"]) {
    document.addEventListener(type, arm, { passive: true, capture: true });
  }
  arm();
}

export async function forgetKiosk() {
  if ("serviceWorker" in navigator) {
    for (const registration of await navigator.serviceWorker.getRegistrations()) {
      await registration.unregister();
    }
  }
  if (window.caches) {
    for (const key of await caches.keys()) {
      await caches.delete(key);
    }
  }
}
