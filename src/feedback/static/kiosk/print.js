// The "Print" buttons of the paper form and of the enrolment page.
for (const button of document.querySelectorAll("[data-action='print']")) {
  button.addEventListener("click", () => window.print());
}
