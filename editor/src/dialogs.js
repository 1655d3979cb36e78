// Accessible address dialogs (link, embed) instead of window.prompt: a native <dialog> from
// the change form's template (labelled, modal, Escape closes it), focus on its field, a
// validation message read out by screen readers, and focus back to the editor afterwards.

// What a link may point to: the web, a page of this site, mail or a phone number; the same
// schemes rendering/sanitize.py keeps on the reader page.
const LINK = /^(https?:\/\/[^\s/?#]+[^\s]*|\/(?!\/)[^\s]*|#[^\s]*|mailto:[^\s]+|tel:[+0-9 ().-]+)$/i;
const IMAGE = /^(https?:\/\/[^\s/?#]+[^\s]*|\/(?!\/)[^\s]*)$/i;

export function linkAddress(value) {
  return LINK.test(value);
}

export function imageAddress(value) {
  return IMAGE.test(value);
}

// Show ``message`` under ``input`` (or clear it) and mark the field for assistive technology.
export function showError(input, error, message) {
  error.textContent = message || "";
  error.hidden = !message;
  if (message) {
    input.setAttribute("aria-invalid", "true");
    input.focus();
  } else {
    input.removeAttribute("aria-invalid");
  }
}

// Open ``dialog`` and resolve with the address typed (trimmed), or null when cancelled.
// ``valid(address)`` says whether it may be used; an empty answer is allowed when
// ``allowEmpty`` (a link dialog's "remove the link").
export function askAddress(dialog, { value = "", valid, allowEmpty = false, returnFocus }) {
  if (dialog.open) {
    return Promise.resolve(null);
  }
  const form = dialog.querySelector("form");
  const input = form.querySelector("input");
  const error = form.querySelector(".desk-dialog-error");
  input.value = value;
  showError(input, error, "");
  return new Promise((resolve) => {
    let answer = null;
    function submit(event) {
      event.preventDefault();
      const address = input.value.trim();
      if ((address === "" && !allowEmpty) || (address !== "" && !valid(address))) {
        showError(input, error, error.dataset.invalid);
        return;
      }
      answer = address;
      dialog.close();
    }
    function cancel() {
      dialog.close();
    }
    const cancelButton = dialog.querySelector("[data-dialog-cancel]");
    function closed() {
      form.removeEventListener("submit", submit);
      cancelButton.removeEventListener("click", cancel);
      if (returnFocus) {
        returnFocus();
      }
      resolve(answer);
    }
    form.addEventListener("submit", submit);
    cancelButton.addEventListener("click", cancel);
    dialog.addEventListener("close", closed, { once: true });
    dialog.showModal();
    input.focus();
    input.select();
  });
}

// Open ``dialog`` with its form's fields filled from ``values``; resolve with the fields as
// typed (trimmed) on Apply, or null when cancelled.
export function askFields(dialog, values, { returnFocus } = {}) {
  if (dialog.open) {
    return Promise.resolve(null);
  }
  const form = dialog.querySelector("form");
  const inputs = Array.from(form.querySelectorAll("input[name]"));
  inputs.forEach((input) => {
    input.value = values[input.name] || "";
  });
  return new Promise((resolve) => {
    let answer = null;
    function submit(event) {
      event.preventDefault();
      answer = Object.fromEntries(inputs.map((input) => [input.name, input.value.trim()]));
      dialog.close();
    }
    const cancelButton = dialog.querySelector("[data-dialog-cancel]");
    const cancel = () => dialog.close();
    form.addEventListener("submit", submit);
    cancelButton.addEventListener("click", cancel);
    dialog.addEventListener(
      "close",
      () => {
        form.removeEventListener("submit", submit);
        cancelButton.removeEventListener("click", cancel);
        if (returnFocus) {
          returnFocus();
        }
        resolve(answer);
      },
      { once: true },
    );
    dialog.showModal();
    inputs[0].focus();
  });
}
