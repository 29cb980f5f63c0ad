// The kiosk: one questionnaire, one screen at a time, one person after another.
//
// Answers live only in this page's memory until "Send answers"; then the finished response
// goes into the tablet's queue (queue.js) and the queue is sent when the network allows.
// Every finish and every reset loads the page afresh (location.replace), so nothing of one
// person is left for the next: not in memory, not in the page, not in the history.
// All wording comes from the page (the <template>s and the JSON data block), in both languages.
import { initAll } from "/assets/govuk-frontend.min.js";
import * as queue from "/assets/kiosk/queue.js";

const SYNC_EVERY_MS = 30000;
const page = document.body.dataset.kioskPage;
const dataElement = document.getElementById("kiosk-data");
const data = dataElement ? JSON.parse(dataElement.textContent) : null;

function pageLanguage() {
  return document.documentElement.lang === "cy" ? "cy" : "en";
}

function plural(messages, count, language) {
  const category = new Intl.PluralRules(language === "cy" ? "cy" : "en-GB").select(count);
  const message = messages[category] || messages.other;
  return message.replace("%{count}", count.toLocaleString(language === "cy" ? "cy" : "en-GB"));
}

// --- the queue indicator, on every kiosk page ------------------------------------------------

async function showWaiting(language = pageLanguage()) {
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
    panelCount.textContent = waiting.toLocaleString(language === "cy" ? "cy" : "en-GB");
  }
  return waiting;
}

async function syncNow(language) {
  if (!data || !data.syncUrl) {
    return null;
  }
  let result = null;
  try {
    result = await queue.sync(data.syncUrl);
  } catch (error) {
    result = null;
  }
  await showWaiting(language);
  return result;
}

function keepSyncing(language) {
  const again = () => syncNow(language());
  window.addEventListener("online", again);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      again();
    }
  });
  setInterval(again, SYNC_EVERY_MS);
  again();
}

// --- the shell ----------------------------------------------------------------------------

function startShell() {
  const screen = document.getElementById("kiosk-screen");
  const languageButton = document.getElementById("kiosk-language");
  const steps = data.steps;
  const byCode = Object.fromEntries(steps.map((step) => [step.code, step]));
  const state = {
    language: null,
    answers: {},
    aboutYou: null, // null until asked; true or false after
    screen: "start",
    returning: false,
    idleTimer: null,
    countdownTimer: null,
    dialog: null,
    finishing: false,
  };

  const strings = () => data.strings[state.language || data.firstLanguage];
  const language = () => state.language || data.firstLanguage;

  function isAsked(step) {
    if (!step.askedIf) {
      return true;
    }
    const given = state.answers[step.askedIf.question];
    const values = Array.isArray(given) ? given : [given];
    return values.some((value) => step.askedIf.answers.includes(value));
  }

  function journey() {
    const pages = steps.filter((step) => !step.aboutYou && isAsked(step)).map((step) => step.code);
    if (data.hasAboutYou) {
      pages.push("about-you");
      if (state.aboutYou === true) {
        pages.push(...steps.filter((step) => step.aboutYou && isAsked(step)).map((step) => step.code));
      }
    }
    pages.push("check");
    return pages;
  }

  // Only the answers to the questions this person was asked, as the server expects them.
  function givenAnswers() {
    const asked = new Set(journey());
    return Object.fromEntries(Object.entries(state.answers).filter(([code]) => asked.has(code)));
  }

  function template(name) {
    const id = name === "start" ? null : `kiosk-${state.language}-${name}`;
    return id ? document.getElementById(id) : null;
  }

  function setTitle(text, error = false) {
    const service = strings().serviceTitle;
    document.title = `${error ? `${strings().error}: ` : ""}${text} – ${service}`;
  }

  function focusHeading() {
    const heading = screen.querySelector("h1");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus({ preventScroll: false });
    }
    window.scrollTo(0, 0);
  }

  // --- showing a screen ---

  function show(name) {
    state.screen = name;
    clearInterval(state.countdownTimer);
    if (name === "start") {
      location.replace(data.shellUrl);
      return;
    }
    if (byCode[name]) {
      showQuestion(name);
    } else if (name === "about-you") {
      showAboutYou();
    } else if (name === "check") {
      showCheck();
    } else if (name === "thanks") {
      showThanks();
    } else {
      render("intro");
    }
    languageButton.hidden = name === "thanks";
    const other = language() === "cy" ? "en" : "cy";
    languageButton.textContent = other === "cy" ? "Cymraeg" : "English";
    languageButton.lang = other;
    armIdle();
  }

  function render(name, prepare = null) {
    const source = template(name);
    const content = source.content.cloneNode(true);
    screen.replaceChildren(content);
    for (const field of screen.querySelectorAll("input, textarea")) {
      field.setAttribute("autocomplete", "off");
    }
    if (prepare) {
      prepare(); // before GOV.UK's scripts start, so they see the answers already given
    }
    setTitle(source.dataset.title);
    initAll(screen);
    focusHeading();
    return screen;
  }

  function showQuestion(code) {
    const step = byCode[code];
    render(`q-${code}`, () => {
      const given = state.answers[code];
      if (step.kind === "text") {
        screen.querySelector("textarea").value = given || "";
      } else {
        const chosen = Array.isArray(given) ? given : [given];
        for (const input of screen.querySelectorAll("input[name=answer]")) {
          input.checked = chosen.includes(input.value);
        }
      }
    });
    screen.querySelector("form").addEventListener("submit", (event) => {
      event.preventDefault();
      answerQuestion(code);
    });
  }

  function readAnswer(code) {
    const step = byCode[code];
    if (step.kind === "text") {
      const text = screen.querySelector("textarea").value.trim();
      return text || null;
    }
    const checked = [...screen.querySelectorAll("input[name=answer]:checked")].map((input) => input.value);
    if (step.kind === "multiple") {
      return checked.length ? checked : null;
    }
    return checked[0] || null;
  }

  function keep(code, value) {
    if (value === null) {
      delete state.answers[code];
    } else {
      state.answers[code] = value;
    }
  }

  function answerQuestion(code) {
    const value = readAnswer(code);
    const step = byCode[code];
    const textarea = screen.querySelector("textarea");
    if (step.required && value === null) {
      showError(screen.querySelector("form").dataset.error);
      return;
    }
    if (textarea && textarea.maxLength > 0 && textarea.value.length > textarea.maxLength) {
      return;
    }
    keep(code, value);
    goOn(code);
  }

  function goOn(from) {
    const pages = journey();
    const next = pages[pages.indexOf(from) + 1] || "check";
    if (state.returning) {
      // Changing an answer from the check screen: visit only the questions it opened.
      const step = byCode[next];
      const fromAboutYou = from === "about-you" || (byCode[from] && byCode[from].aboutYou);
      const walkOn = step && !(next in state.answers) && (
        (step.askedIf && step.askedIf.question === from) || (step.aboutYou && fromAboutYou)
      );
      if (!walkOn) {
        show("check");
        return;
      }
    }
    show(next);
  }

  function showError(message) {
    const form = screen.querySelector("form");
    const group = form.querySelector(".govuk-form-group");
    const first = form.querySelector("input, textarea");
    group.classList.add("govuk-form-group--error");
    if (!form.querySelector(".govuk-error-message")) {
      const error = document.createElement("p");
      error.className = "govuk-error-message";
      error.id = `${first.id}-error`;
      const hidden = document.createElement("span");
      hidden.className = "govuk-visually-hidden";
      hidden.textContent = `${strings().error}:`;
      error.append(hidden, ` ${message}`);
      const options = form.querySelector(".govuk-radios, .govuk-checkboxes");
      options.before(error);
      const fieldset = form.querySelector("fieldset");
      const described = fieldset.getAttribute("aria-describedby");
      fieldset.setAttribute("aria-describedby", described ? `${described} ${error.id}` : error.id);
    }
    const summary = document.createElement("div");
    summary.className = "govuk-error-summary";
    summary.dataset.module = "govuk-error-summary";
    const alert = document.createElement("div");
    alert.setAttribute("role", "alert");
    const title = document.createElement("h2");
    title.className = "govuk-error-summary__title";
    title.textContent = strings().errorTitle;
    const body = document.createElement("div");
    body.className = "govuk-error-summary__body";
    const list = document.createElement("ul");
    list.className = "govuk-list govuk-error-summary__list";
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = `#${first.id}`;
    link.textContent = message;
    item.append(link);
    list.append(item);
    body.append(list);
    alert.append(title, body);
    summary.append(alert);
    const slot = screen.querySelector("[data-error-summary]");
    slot.replaceChildren(summary);
    setTitle(template(state.screen === "about-you" ? "about-you" : `q-${state.screen}`).dataset.title, true);
    initAll(slot); // GOV.UK's error summary takes focus and makes its link move to the answers
  }

  function showAboutYou() {
    render("about-you", () => {
      for (const input of screen.querySelectorAll("input[name=answer]")) {
        input.checked = (input.value === "yes" && state.aboutYou === true) || (input.value === "no" && state.aboutYou === false);
      }
    });
    screen.querySelector("form").addEventListener("submit", (event) => {
      event.preventDefault();
      const checked = screen.querySelector("input[name=answer]:checked");
      if (!checked) {
        showError(screen.querySelector("form").dataset.error);
        return;
      }
      state.aboutYou = checked.value === "yes";
      goOn("about-you");
    });
  }

  function describe(code) {
    const value = state.answers[code];
    if (value === undefined) {
      return strings().notAnswered;
    }
    const labels = data.labels[state.language][code];
    if (!labels) {
      return value;
    }
    return (Array.isArray(value) ? value : [value]).map((item) => labels[item] || item).join(", ");
  }

  function showCheck() {
    state.returning = false;
    render("check");
    const asked = new Set(journey());
    for (const row of screen.querySelectorAll("[data-row-for]")) {
      const code = row.dataset.rowFor;
      const value = row.querySelector("[data-answer-for]");
      if (code === "about-you") {
        const answeredAny = steps.some((step) => step.aboutYou && state.answers[step.code] !== undefined);
        value.textContent = !state.aboutYou ? strings().skipped : answeredAny ? strings().answered : strings().notAnswered;
      } else {
        row.hidden = !asked.has(code);
        value.textContent = describe(code);
      }
    }
  }

  async function send() {
    if (state.finishing) {
      return;
    }
    state.finishing = true;
    const item = {
      key: crypto.randomUUID(),
      questionnaire: data.questionnaire,
      version: data.version,
      language: state.language,
      answers: givenAnswers(),
      include_about_you: state.aboutYou === true,
      finished_at: new Date().toISOString(),
    };
    try {
      await queue.enqueue(item);
    } catch (error) {
      // No storage on this tablet: send it straight away instead.
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
    // Forget this person at once: only the queue holds their answers now.
    state.answers = {};
    state.aboutYou = null;
    show("thanks");
    syncNow(state.language);
  }

  function showThanks() {
    render("thanks");
    let left = data.thanksSeconds;
    const countdown = screen.querySelector("[data-countdown]");
    const update = () => {
      countdown.textContent = countdown.dataset.template.replace("{time}", plural(strings().seconds, left, state.language));
    };
    update();
    state.countdownTimer = setInterval(() => {
      left -= 1;
      if (left <= 0) {
        reset();
      } else {
        update();
      }
    }, 1000);
  }

  // --- going back, and the browser's back button ---

  function back() {
    if (state.dialog) {
      return;
    }
    const current = state.screen;
    if (current === "thanks") {
      reset();
      return;
    }
    if (current === "start") {
      return;
    }
    if (current === "intro") {
      reset();
      return;
    }
    if (state.returning) {
      state.returning = false;
      show("check");
      return;
    }
    const pages = journey();
    const index = pages.indexOf(current);
    show(index > 0 ? pages[index - 1] : "intro");
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

  // --- inactivity ---

  function armIdle() {
    clearTimeout(state.idleTimer);
    if (state.screen === "start" || state.screen === "thanks" || state.dialog) {
      return;
    }
    state.idleTimer = setTimeout(warn, data.idleSeconds * 1000);
  }

  function warn() {
    const source = document.getElementById(`kiosk-${language()}-warning`);
    const dialog = source.content.firstElementChild.cloneNode(true);
    document.body.append(dialog);
    state.dialog = dialog;
    const returnFocus = document.activeElement;
    let left = data.warningSeconds;
    const countdown = dialog.querySelector("[data-countdown]");
    const update = () => {
      countdown.textContent = countdown.dataset.template.replace("{time}", plural(strings().seconds, left, language()));
    };
    update();
    const timer = setInterval(() => {
      left -= 1;
      if (left <= 0) {
        clearInterval(timer);
        reset();
      } else {
        update();
      }
    }, 1000);
    const carryOn = () => {
      clearInterval(timer);
      if (dialog.open) {
        dialog.close();
      }
      dialog.remove();
      state.dialog = null;
      armIdle();
      if (returnFocus && document.contains(returnFocus)) {
        returnFocus.focus();
      }
    };
    dialog.querySelector("[data-action='carry-on']").addEventListener("click", carryOn);
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      carryOn();
    });
    dialog.showModal();
    dialog.querySelector("[data-action='carry-on']").focus();
  }

  for (const type of ["pointerdown", "keydown", "input", "wheel", "touchstart"]) {
    document.addEventListener(type, () => {
      if (!state.dialog) {
        armIdle();
      }
    }, { passive: true, capture: true });
  }

  // Clear everything and start again for the next person, with a fresh page.
  function reset() {
    clearTimeout(state.idleTimer);
    clearInterval(state.countdownTimer);
    state.answers = {};
    state.aboutYou = null;
    screen.replaceChildren();
    if (state.dialog) {
      state.dialog.remove();
      state.dialog = null;
    }
    location.replace(data.shellUrl);
  }

  // --- what the buttons do ---

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
      show(journey()[0]);
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
      const value = readAnswer(current);
      if (value !== null) {
        keep(current, value);
      }
    } else if (current === "about-you") {
      const checked = screen.querySelector("input[name=answer]:checked");
      if (checked) {
        state.aboutYou = checked.value === "yes";
      }
    }
    state.language = language() === "cy" ? "en" : "cy";
    document.documentElement.lang = state.language;
    const returning = state.returning;
    show(current);
    state.returning = returning;
    showWaiting(state.language);
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
  showWaiting(language());
  keepSyncing(language);
}

// --- the staff panel ------------------------------------------------------------------------

function startPanel() {
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
    report(await syncNow(language));
  });
  const leave = document.getElementById("kiosk-leave-form");
  leave.addEventListener("submit", async (event) => {
    event.preventDefault();
    await syncNow(language);
    if ((await showWaiting(language)) > 0) {
      message.textContent = strings.leaveBlocked;
      message.setAttribute("role", "alert");
      return;
    }
    leave.submit();
  });
  showWaiting(language);
}

// Staff screens left open go back to the kiosk by themselves.
function returnWhenIdle(url, seconds) {
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

// --- after leaving kiosk mode: forget the service worker and its caches ---------------------

async function forgetKiosk() {
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

if (page === "shell" && data) {
  startShell();
} else if (page === "staff-panel" && data) {
  initAll();
  startPanel();
  returnWhenIdle(data.shellUrl, data.idleSeconds);
} else if (page === "staff-pin") {
  initAll();
  returnWhenIdle(document.body.dataset.kioskHome || "/kiosk/", 60);
} else if (page === "left") {
  forgetKiosk();
} else {
  initAll();
  showWaiting();
}
