// The kiosk's script: it reads which kiosk page this is and starts what that page needs.
// Plain ES modules, served as they are (no build step) and all precached by the service
// worker (web/kiosk.py, precache_urls), so the kiosk starts with no network. All wording
// comes from the page (its <template>s and the JSON data block), in both languages.
import { initAll } from "/assets/govuk-frontend.min.js";
import { startShell } from "./shell.js";
import { forgetKiosk, returnWhenIdle, startPanel } from "./staff_exit.js";
import { showWaiting } from "./sync.js";

const page = document.body.dataset.kioskPage;
const dataElement = document.getElementById("kiosk-data");
const data = dataElement ? JSON.parse(dataElement.textContent) : null;

if (page === "shell" && data) {
  startShell(data);
} else if (page === "staff-panel" && data) {
  initAll();
  startPanel(data);
  returnWhenIdle(data.shellUrl, data.idleSeconds);
} else if (page === "staff-pin") {
  initAll();
  returnWhenIdle(document.body.dataset.kioskHome || "/kiosk/", 60);
} else if (page === "left") {
  forgetKiosk();
} else {
  initAll();
  showWaiting(data);
}
