// Which screens one person sees, and in what order: the questions they are asked (a question
// may be asked only after some answers), "About you" and its questions if they agree, and the
// check screen. Plain functions of the answers so far, with nothing of the page in them.

export function createJourney(data) {
  const steps = data.steps;
  const byCode = Object.fromEntries(steps.map((step) => [step.code, step]));

  function isAsked(step, answers) {
    if (!step.askedIf) {
      return true;
    }
    const given = answers[step.askedIf.question];
    const values = Array.isArray(given) ? given : [given];
    return values.some((value) => step.askedIf.answers.includes(value));
  }

  // `person` is { answers, aboutYou } (aboutYou: null until asked, then true or false).
  function screens(person) {
    const pages = steps.filter((step) => !step.aboutYou && isAsked(step, person.answers)).map((step) => step.code);
    if (data.hasAboutYou) {
      pages.push("about-you");
      if (person.aboutYou === true) {
        pages.push(...steps.filter((step) => step.aboutYou && isAsked(step, person.answers)).map((step) => step.code));
      }
    }
    pages.push("check");
    return pages;
  }

  // Only the answers to the questions this person was asked, as the server expects them.
  function given(person) {
    const asked = new Set(screens(person));
    return Object.fromEntries(Object.entries(person.answers).filter(([code]) => asked.has(code)));
  }

  // The screen after `from`. Changing an answer from the check screen (`returning`) visits
  // only the questions that answer opened, then goes back to the check screen.
  function after(from, person, returning) {
    const pages = screens(person);
    const next = pages[pages.indexOf(from) + 1] || "check";
    if (returning) {
      const step = byCode[next];
      const fromAboutYou = from === "about-you" || (byCode[from] && byCode[from].aboutYou);
      const walkOn = step && !(next in person.answers) && (
        (step.askedIf && step.askedIf.question === from) || (step.aboutYou && fromAboutYou)
      );
      if (!walkOn) {
        return "check";
      }
    }
    return next;
  }

  function before(current, person) {
    const pages = screens(person);
    const index = pages.indexOf(current);
    return index > 0 ? pages[index - 1] : "intro";
  }

  return { steps, byCode, screens, given, after, before };
}
