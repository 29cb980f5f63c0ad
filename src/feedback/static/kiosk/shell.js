// The kiosk shell: one questionnaire, one screen at a time, one person after another.
//
// Answers live only in this page's memory until "Send answers"; then the finished response
// goes into the tablet's queue and the queue is sent when the network allows. Every finish
// and every reset loads the page afresh (location.replace), so nothing of one person is left
// for the next: not in memory, not in the page, not in the history.
import { createIdle } from "./idle.js";
import { createJourney } from "./journey.js";
import { createScreens } from "./screens.js";
import { hand, keepSyncing, showWaiting, syncNow } from "./sync.js";
import { plural } from "./text.js";

export function startShell(data) {
  const screen = document.getElementById("kiosk-screen");
  const languageButton = document.getElementById("kiosk-language");
  const journey = createJourney(data);
  const byCode = journey.byCode;
  const state = {
    language: null,
    answers: {},
    aboutYou: null, // null until asked; true or false after
    screen: "start",
    returning: false,
    countdownTimer: null,
    finishing: false,
  };

  const language = () => state.language || data.firstLanguage;
  const strings = () => data.strings[language()];
  const screens = createScreens(data, screen, language);
  const idle = createIdle({
    seconds: data.idleSeconds,
    warningSeconds: data.warningSeconds,
    quiet: () => state.screen === "start" || state.screen === "thanks",
    warning: () => document.getElementById(`kiosk-${language()}-warning`),
    wording: (left) => plural(strings().seconds, left, language()),
    timeUp: reset,
  });

  function show(name) {
    state.screen = name;
    clearInterval(state.countdownTimer);
    if (name === "start") {
      location.replace(data.shellUrl);
      return;
    }
    if (byCode[name]) {
      screens.question(byCode[name], state.answers[name], () => answerQuestion(name));
    } else if (name === "about-you") {
      screens.aboutYou(state.aboutYou, answerAboutYou);
    } else if (name === "check") {
      state.returning = false;
      screens.check(new Set(journey.screens(state)), state, journey.steps);
    } else if (name === "thanks") {
      state.countdownTimer = screens.thanks(data.thanksSeconds, reset);
    } else {
      screens.render("intro");
    }
    languageButton.hidden = name === "thanks";
    const other = language() === "cy" ? "en" : "cy";
    languageButton.textContent = other === "cy" ? "Cymraeg" : "English";
    languageButton.lang = other;
    idle.arm();
  }

  function keep(code, value) {
    if (value === null) {
      delete state.answers[code];
    } else {
      state.answers[code] = value;
    }
  }

  function answerQuestion(code) {
    const value = screens.readAnswer(byCode[code]);
    if (byCode[code].required && value === null) {
      screens.error();
      return;
    }
    if (screens.tooLong()) {
      return;
    }
    keep(code, value);
    show(journey.after(code, state, state.returning));
  }

  function answerAboutYou() {
    const agreed = screens.readAboutYou();
    if (agreed === null) {
      screens.error();
      return;
    }
    state.aboutYou = agreed;
    show(journey.after("about-you", state, state.returning));
  }

  async function send() {
    if (state.finishing) {
      return;
    }
    state.finishing = true;
    await hand(data, {
      key: crypto.randomUUID(), // the server stores each key once, however often it is sent
      questionnaire: data.questionnaire,
      version: data.version,
      language: state.language,
      answers: journey.given(state),
      include_about_you: state.aboutYou === true,
      finished_at: new Date().toISOString(),
    });
    // Forget this person at once: only the queue holds their answers now.
    state.answers = {};
    state.aboutYou = null;
    show("thanks");
    syncNow(data, state.language);
  }

  function back() {
    if (idle.showing()) {
      return;
    }
    const current = state.screen;
    if (current === "thanks" || current === "intro") {
      reset();
    } else if (current === "start") {
      return;
    } else if (state.returning) {
      state.returning = false;
      show("check");
    } else {
      show(journey.before(current, state));
    }
  }

  // The browser's back button moves back through this person's screens and never out of the
  // kiosk: one extra history entry catches it, and is put back each time it is used.
  history.replaceState({ kiosk: "base" }, "");
  history.pushState({ kiosk: "guard" }, "");
  window.addEventListener("popstate", () => {
    history.pushState({ kiosk: "guard" }, "");
    back();
  });
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) {
      reset(); // never show a page restored from the back-forward cache
    }
  });

  // Clear everything and start again for the next person, with a fresh page.
  function reset() {
    idle.stop();
    clearInterval(state.countdownTimer);
    state.answers = {};
    state.aboutYou = null;
    screen.replaceChildren();
    location.replace(data.shellUrl);
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-action]");
    if (!button || (button.closest("dialog") && button.dataset.action === "carry-on")) {
      return;
    }
    const action = button.dataset.action;
    if (action === "language") {
      state.language = button.dataset.language;
      document.documentElement.lang = state.language;
      show("intro");
    } else if (action === "begin") {
      show(journey.screens(state)[0]);
    } else if (action === "back") {
      back();
    } else if (action === "change") {
      state.returning = true;
      show(button.dataset.code);
    } else if (action === "send") {
      send();
    } else if (action === "finish") {
      reset();
    } else if (action === "switch-language") {
      switchLanguage();
    }
  });

  // The header's language button: the same screen in the other language, answers kept.
  function switchLanguage() {
    const current = state.screen;
    if (byCode[current]) {
      const value = screens.readAnswer(byCode[current]);
      if (value !== null) {
        keep(current, value);
      }
    } else if (current === "about-you") {
      const agreed = screens.readAboutYou();
      if (agreed !== null) {
        state.aboutYou = agreed;
      }
    }
    state.language = language() === "cy" ? "en" : "cy";
    document.documentElement.lang = state.language;
    const returning = state.returning;
    show(current);
    state.returning = returning;
    showWaiting(data, state.language);
  }

  for (const button of screen.querySelectorAll("[data-action='language']")) {
    button.disabled = false;
  }
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(data.serviceWorkerUrl, { scope: data.shellUrl, updateViaCache: "none" }).catch(() => {});
  }
  if (navigator.storage && navigator.storage.persist) {
    navigator.storage.persist().catch(() => {});
  }
  showWaiting(data, language());
  keepSyncing(data, language);
}
