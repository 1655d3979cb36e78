// Renews this person's "editing" mark while the article's change form stays open.
// The address and interval come from the page (data-heartbeat-url, data-heartbeat-seconds).
(function () {
  "use strict";
  var box = document.getElementById("editing");
  var form = document.getElementById("article_form");
  if (!box || !form) {
    return;
  }
  var url = box.getAttribute("data-heartbeat-url");
  var seconds = parseInt(box.getAttribute("data-heartbeat-seconds"), 10) || 60;
  var token = form.querySelector("input[name=csrfmiddlewaretoken]");
  function beat() {
    if (document.hidden || !token) {
      return;
    }
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token.value },
    }).catch(function () {});
  }
  window.setInterval(beat, seconds * 1000);
})();
