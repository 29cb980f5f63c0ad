// Someone walked away mid-way: after a quiet spell a warning counts down, and unless they
// carry on, the kiosk starts afresh so that the next person never sees their answers.
import { countdown } from "./text.js";

const ACTIVITY = ["pointerdown", "keydown", "input", "wheel", "touchstart"];

// seconds / warningSeconds: the quiet spell and the warning; quiet(): whether this screen
// waits for nobody (the start and thank-you screens); warning(): the warning's <template>;
// wording(left): the time left in words; timeUp(): start afresh.
export function createIdle({ seconds, warningSeconds, quiet, warning, wording, timeUp }) {
  let timer = null;
  let dialog = null;

  function arm() {
    clearTimeout(timer);
    if (quiet() || dialog) {
      return;
    }
    timer = setTimeout(warn, seconds * 1000);
  }

  function warn() {
    const shown = warning().content.firstElementChild.cloneNode(true);
    document.body.append(shown);
    dialog = shown;
    const returnFocus = document.activeElement;
    const ticking = countdown(shown.querySelector("[data-countdown]"), warningSeconds, wording, timeUp);
    const carryOn = () => {
      clearInterval(ticking);
      if (shown.open) {
        shown.close();
      }
      shown.remove();
      dialog = null;
      arm();
      if (returnFocus && document.contains(returnFocus)) {
        returnFocus.focus();
      }
    };
    shown.querySelector("[data-action='carry-on']").addEventListener("click", carryOn);
    shown.addEventListener("cancel", (event) => {
      event.preventDefault(); // Escape carries on too, rather than leaving a closed dialog
      carryOn();
    });
    shown.showModal();
    shown.querySelector("[data-action='carry-on']").focus();
  }

  function stop() {
    clearTimeout(timer);
    if (dialog) {
      dialog.remove();
      dialog = null;
    }
  }

  for (const type of ACTIVITY) {
    document.addEventListener(type, () => {
      if (!dialog) {
        arm();
      }
    }, { passive: true, capture: true });
  }

  return { arm, stop, showing: () => dialog !== null };
}
