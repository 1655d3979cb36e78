// The Image button's dialog: the media library (thumbnails, search by alt text, caption and
// credit, pages), an upload into the library (newsroom/library.py applies the back office's
// checks), or an image address. Choosing one inserts a figure that names the library image
// by id (class wp-library-image-N), with its caption and credit; the reader page draws it as
// the library's <picture> (rendering/library.py).
import { imageAddress, showError } from "./dialogs.js";

function format(template, values) {
  return template.replace(/%\((\w+)\)s/g, (_, name) => String(values[name]));
}

export function openImageDialog(dialog, { insert, returnFocus }) {
  if (dialog.open) {
    return;
  }
  const texts = dialog.dataset;
  const search = dialog.querySelector("#desk-library-search");
  const query = dialog.querySelector("#desk-library-query");
  const results = dialog.querySelector("#desk-library-results");
  const status = dialog.querySelector("#desk-library-status");
  const previous = dialog.querySelector("#desk-library-previous");
  const next = dialog.querySelector("#desk-library-next");
  const upload = dialog.querySelector("#desk-library-upload");
  const uploadError = dialog.querySelector("#desk-upload-error");
  const address = dialog.querySelector("#desk-image-address");
  const addressInput = dialog.querySelector("#desk-image-url");
  const addressError = dialog.querySelector("#desk-image-url-error");
  const cancelButton = dialog.querySelector("[data-dialog-cancel]");
  let page = 1;
  let chosen = null;
  const listeners = [];
  function on(element, type, handler) {
    element.addEventListener(type, handler);
    listeners.push(() => element.removeEventListener(type, handler));
  }

  function choose(image) {
    chosen = image;
    dialog.close();
  }

  function entry(image) {
    const item = document.createElement("li");
    const pick = document.createElement("button");
    pick.type = "button";
    pick.className = "desk-library-pick";
    pick.dataset.imageId = image.id;
    const thumb = document.createElement("img");
    thumb.src = image.thumb;
    thumb.width = image.thumbWidth;
    thumb.height = image.thumbHeight;
    thumb.alt = "";
    thumb.loading = "lazy";
    const label = document.createElement("span");
    label.textContent = image.alt || image.caption || `(${texts.noAlt})`;
    pick.append(thumb, label);
    if (image.credit) {
      const credit = document.createElement("small");
      credit.textContent = image.credit;
      pick.append(credit);
    }
    pick.addEventListener("click", () =>
      choose({ src: image.src, alt: image.alt, caption: image.caption, credit: image.credit, imageId: image.id }),
    );
    item.append(pick);
    return item;
  }

  async function load() {
    const url = new URL(texts.listUrl, window.location.href);
    url.searchParams.set("page", String(page));
    if (query.value.trim()) {
      url.searchParams.set("q", query.value.trim());
    }
    dialog.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      const data = await response.json();
      page = data.page;
      results.replaceChildren(...data.results.map(entry));
      status.textContent = data.count ? format(texts.page, { page: data.page, pages: data.pages }) : texts.empty;
      previous.disabled = data.page <= 1;
      next.disabled = data.page >= data.pages;
    } catch {
      results.replaceChildren();
      status.textContent = texts.failed;
    } finally {
      dialog.removeAttribute("aria-busy");
    }
  }

  on(search, "submit", (event) => {
    event.preventDefault();
    page = 1;
    load();
  });
  on(previous, "click", () => {
    page -= 1;
    load();
  });
  on(next, "click", () => {
    page += 1;
    load();
  });
  on(upload, "submit", async (event) => {
    event.preventDefault();
    const button = upload.querySelector("button[type=submit]");
    button.disabled = true;
    uploadError.hidden = false;
    uploadError.textContent = texts.uploading;
    try {
      const response = await fetch(texts.uploadUrl, {
        method: "POST",
        body: new FormData(upload),
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": upload.elements.csrfmiddlewaretoken.value },
      });
      const data = await response.json().catch(() => ({}));
      if (!response.ok) {
        const messages = Object.values(data.errors || {}).flat();
        const field = data.errors && data.errors.alt_text ? "alt_text" : "file";
        showError(upload.elements[field], uploadError, messages.join(" ") || texts.uploadFailed);
        return;
      }
      upload.reset();
      showError(upload.elements.file, uploadError, "");
      choose({ src: data.src, alt: data.alt, caption: data.caption, credit: data.credit, imageId: data.id });
    } catch {
      showError(upload.elements.file, uploadError, texts.uploadFailed);
    } finally {
      button.disabled = false;
    }
  });
  on(address, "submit", (event) => {
    event.preventDefault();
    const url = addressInput.value.trim();
    if (!imageAddress(url)) {
      showError(addressInput, addressError, addressError.dataset.invalid);
      return;
    }
    address.reset();
    showError(addressInput, addressError, "");
    choose({ src: url, alt: "", caption: "", credit: "", imageId: null });
  });
  on(cancelButton, "click", () => dialog.close());

  dialog.addEventListener(
    "close",
    () => {
      listeners.forEach((remove) => remove());
      if (returnFocus) {
        returnFocus();
      }
      if (chosen) {
        insert(chosen);
      }
    },
    { once: true },
  );
  showError(addressInput, addressError, "");
  dialog.showModal();
  query.focus();
  load();
}
