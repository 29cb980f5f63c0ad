// GOV.UK's error pattern for a question left unanswered, built in the page because the kiosk
// never posts a question to the server: the message by the answers, and the summary above.

export function showError(screen, message, errorLabel, summaryTitle) {
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
    hidden.textContent = `${errorLabel}:`;
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
  title.textContent = summaryTitle;
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
  return slot; // for GOV.UK's script, which makes the summary take focus
}
