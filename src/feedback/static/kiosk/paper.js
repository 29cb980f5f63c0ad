// Typing paper returns in fast, by keyboard only: in a question, the digit keys choose.
//
// 1, 2, 3... choose that answer (and, for one-answer questions, move on to the next
// question); 0 clears the question. Tab and Shift+Tab move between questions as usual, and
// Enter saves the return and opens an empty form for the next one.
const form = document.querySelector("[data-paper-entry]");

function controls() {
  return [...form.querySelectorAll("input:not([type=hidden]), select, textarea, button")].filter(
    (element) => !element.disabled,
  );
}

function focusAfter(fieldset) {
  const all = controls();
  const next = all.find(
    (element) => !fieldset.contains(element) && fieldset.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING,
  );
  if (!next) {
    return;
  }
  if (next.type === "radio") {
    const group = [...form.querySelectorAll(`input[name="${next.name}"]`)];
    (group.find((radio) => radio.checked) || group[0]).focus();
  } else {
    next.focus();
  }
}

if (form) {
  form.addEventListener("keydown", (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || !["radio", "checkbox"].includes(input.type)) {
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || !/^[0-9]$/.test(event.key)) {
      return;
    }
    event.preventDefault();
    const fieldset = input.closest("fieldset");
    const group = [...fieldset.querySelectorAll(`input[name="${input.name}"]`)];
    const number = Number(event.key);
    if (number === 0) {
      group.forEach((item) => {
        item.checked = false;
      });
      group[0].focus();
      return;
    }
    const chosen = group[number - 1];
    if (!chosen) {
      return;
    }
    if (chosen.type === "radio") {
      chosen.checked = true;
      chosen.focus();
      focusAfter(fieldset);
    } else {
      chosen.checked = !chosen.checked;
      chosen.focus();
    }
  });

  // After "Save and enter another", the first question is ready for typing at once.
  if (document.getElementById("saved-banner")) {
    const first = form.querySelector("[data-paper-question] input");
    if (first) {
      first.focus();
    }
  }
}
