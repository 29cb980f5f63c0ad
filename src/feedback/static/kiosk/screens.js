// Drawing and reading the shell's screens. Each screen is a <template> in the page, in both
// languages; one at a time is cloned into #kiosk-screen. Where to go next is the shell's.
import { initAll } from "/assets/govuk-frontend.min.js";
import { showError } from "./error_summary.js";
import { countdown, plural } from "./text.js";

export function createScreens(data, screen, language) {
  const strings = () => data.strings[language()];
  let shown = null; // the <template> on screen

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

  function render(name, prepare = null) {
    shown = document.getElementById(`kiosk-${language()}-${name}`);
    screen.replaceChildren(shown.content.cloneNode(true));
    for (const field of screen.querySelectorAll("input, textarea")) {
      field.setAttribute("autocomplete", "off");
    }
    if (prepare) {
      prepare(); // before GOV.UK's scripts start, so they see the answers already given
    }
    setTitle(shown.dataset.title);
    initAll(screen);
    focusHeading();
  }

  function onSubmit(handle) {
    screen.querySelector("form").addEventListener("submit", (event) => {
      event.preventDefault();
      handle();
    });
  }

  // A question, with the answer already given (if any) filled in again.
  function question(step, given, handle) {
    render(`q-${step.code}`, () => {
      if (step.kind === "text") {
        screen.querySelector("textarea").value = given || "";
      } else {
        const chosen = Array.isArray(given) ? given : [given];
        for (const input of screen.querySelectorAll("input[name=answer]")) {
          input.checked = chosen.includes(input.value);
        }
      }
    });
    onSubmit(handle);
  }

  // The answer on screen, or null for none.
  function readAnswer(step) {
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

  // More than the comment box takes: GOV.UK's character count is already saying so.
  function tooLong() {
    const textarea = screen.querySelector("textarea");
    return Boolean(textarea && textarea.maxLength > 0 && textarea.value.length > textarea.maxLength);
  }

  // "Would you like to tell us about yourself?": agreed is null until answered.
  function aboutYou(agreed, handle) {
    render("about-you", () => {
      for (const input of screen.querySelectorAll("input[name=answer]")) {
        input.checked = (input.value === "yes" && agreed === true) || (input.value === "no" && agreed === false);
      }
    });
    onSubmit(handle);
  }

  function readAboutYou() {
    const checked = screen.querySelector("input[name=answer]:checked");
    return checked ? checked.value === "yes" : null;
  }

  function error() {
    const message = screen.querySelector("form").dataset.error;
    const slot = showError(screen, message, strings().error, strings().errorTitle);
    setTitle(shown.dataset.title, true);
    initAll(slot); // GOV.UK's error summary takes focus and makes its link move to the answers
  }

  function describe(code, answers) {
    const value = answers[code];
    if (value === undefined) {
      return strings().notAnswered;
    }
    const labels = data.labels[language()][code];
    if (!labels) {
      return value;
    }
    return (Array.isArray(value) ? value : [value]).map((item) => labels[item] || item).join(", ");
  }

  // Every answer given, with a row for each question asked (`asked`, a Set of screens).
  function check(asked, person, steps) {
    render("check");
    for (const row of screen.querySelectorAll("[data-row-for]")) {
      const code = row.dataset.rowFor;
      const value = row.querySelector("[data-answer-for]");
      if (code === "about-you") {
        const answeredAny = steps.some((step) => step.aboutYou && person.answers[step.code] !== undefined);
        value.textContent = !person.aboutYou ? strings().skipped : answeredAny ? strings().answered : strings().notAnswered;
      } else {
        row.hidden = !asked.has(code);
        value.textContent = describe(code, person.answers);
      }
    }
  }

  // Thank you, and a countdown to the next person's start; returns the countdown's interval.
  function thanks(seconds, done) {
    render("thanks");
    const element = screen.querySelector("[data-countdown]");
    return countdown(element, seconds, (left) => plural(strings().seconds, left, language()), done);
  }

  return { render, question, readAnswer, tooLong, aboutYou, readAboutYou, error, check, thanks };
}
