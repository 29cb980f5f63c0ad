// Security keys and passkeys: ask the browser to make (or use) a credential with the options the
// server put on the page, then post the browser's answer back as JSON in the form.
const form = document.getElementById("webauthn-form");
const start = document.getElementById("webauthn-start");
const errorBox = document.getElementById("webauthn-error");

function showError() {
  const item = errorBox.querySelector(".govuk-error-summary__list a");
  if (item) item.textContent = form.dataset.failed;
  errorBox.hidden = false;
  errorBox.querySelector(".govuk-error-summary")?.focus();
}

async function run() {
  const options = JSON.parse(document.getElementById("webauthn-options").textContent);
  try {
    let credential;
    if (form.dataset.mode === "register") {
      credential = await navigator.credentials.create({
        publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options),
      });
    } else {
      credential = await navigator.credentials.get({
        publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options),
      });
    }
    document.getElementById("webauthn-credential").value = JSON.stringify(credential.toJSON());
    form.submit();
  } catch (error) {
    showError();
  }
}

if (form && start) {
  start.addEventListener("click", (event) => {
    event.preventDefault();
    run();
  });
}
