// Numbers and plural forms in the page's two languages. The words themselves come from the
// page (its JSON data block and <template>s), so nothing here needs translating.

export function pageLanguage() {
  return document.documentElement.lang === "cy" ? "cy" : "en";
}

export function locale(language) {
  return language === "cy" ? "cy" : "en-GB";
}

// `messages` holds one message a plural category ("one", "two", "few", ..., "other").
export function plural(messages, count, language) {
  const category = new Intl.PluralRules(locale(language)).select(count);
  const message = messages[category] || messages.other;
  return message.replace("%{count}", count.toLocaleString(locale(language)));
}

// Count down in words once a second on `element` (its data-template holds "{time}"), then
// call `done`. Returns the interval, for stopping it sooner.
export function countdown(element, seconds, wording, done) {
  let left = seconds;
  const update = () => {
    element.textContent = element.dataset.template.replace("{time}", wording(left));
  };
  update();
  const timer = setInterval(() => {
    left -= 1;
    if (left <= 0) {
      clearInterval(timer);
      done();
    } else {
      update();
    }
  }, 1000);
  return timer;
}
