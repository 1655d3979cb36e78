// Keeps the article form's working copy (title, standfirst, body, excerpt) on the server:
// every data-seconds when it changed, and once more when the tab is hidden or closed
// (fetch keepalive), so a closed tab loses nothing. Not a save: see newsroom/autosave.py.
(function () {
  "use strict";
  var box = document.getElementById("desk-autosave");
  var form = document.getElementById("article_form");
  if (!box || !form) {
    return;
  }
  var url = box.getAttribute("data-url");
  var seconds = parseFloat(box.getAttribute("data-seconds")) || 5;
  var state = document.getElementById("autosave-state");
  var names = ["title", "standfirst", "body", "excerpt"];
  var token = form.querySelector("input[name=csrfmiddlewaretoken]");
  var submitting = false;

  function snapshot() {
    var values = {};
    names.forEach(function (name) {
      var field = form.elements.namedItem(name);
      values[name] = field && "value" in field ? field.value : "";
    });
    return JSON.stringify(values);
  }

  var last = snapshot();

  // The time comes from the server in the site's format and time zone, as every admin date.
  function say(template, response) {
    return response.json().then(function (answer) {
      if (state) {
        state.textContent = template.replace("%(time)s", answer.saved_at_label);
      }
    });
  }

  function send(keepalive) {
    var current = snapshot();
    if (submitting || current === last || !token) {
      return;
    }
    var data = new FormData();
    var values = JSON.parse(current);
    names.forEach(function (name) {
      data.append(name, values[name]);
    });
    var opened = form.elements.namedItem("opened_version");
    if (opened && opened.value) {
      data.append("opened_version", opened.value);
    }
    last = current;
    fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      keepalive: Boolean(keepalive),
      headers: { "X-CSRFToken": token.value },
    })
      .then(function (response) {
        if (response.status === 409) {
          return say(box.getAttribute("data-conflict"), response);
        } else if (response.ok) {
          box.setAttribute("data-last-saved", current);
          return say(box.getAttribute("data-saved"), response);
        } else {
          throw new Error(String(response.status));
        }
      })
      .catch(function () {
        last = null;
        if (state) {
          state.textContent = box.getAttribute("data-failed");
        }
      });
  }

  form.addEventListener("submit", function () {
    submitting = true;
  });
  window.setInterval(send, seconds * 1000);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      send(true);
    }
  });
  window.addEventListener("pagehide", function () {
    send(true);
  });
})();
