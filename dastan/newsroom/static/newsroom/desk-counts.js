// Live counts under the article form's fields: the body's words and reading time (the same
// 200 words a minute as rendering/reading.py), the title's and standfirst's lengths against
// what search results show. The texts come translated from the page (#desk-counts data-*).
(function () {
  "use strict";
  var texts = document.getElementById("desk-counts");
  if (!texts) {
    return;
  }
  var perMinute = parseInt(texts.getAttribute("data-words-per-minute"), 10) || 200;

  function plainText(html) {
    // The editor writes blocks with nothing between them: "</h2><p>" must not join two words.
    var doc = new DOMParser().parseFromString(html.replace(/></g, "> <"), "text/html");
    return doc.body ? doc.body.textContent || "" : "";
  }

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, name) {
      return String(values[name]);
    });
  }

  function counter(fieldId, describe) {
    var field = document.getElementById(fieldId);
    if (!field) {
      return;
    }
    var line = document.createElement("p");
    line.className = "help desk-count";
    line.id = fieldId + "_count";
    line.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", line);
    function update() {
      var result = describe(field.value);
      line.textContent = result.text;
      line.classList.toggle("desk-count-over", Boolean(result.over));
    }
    field.addEventListener("input", update);
    update();
  }

  counter("id_body", function (value) {
    var words = plainText(value).split(/\s+/).filter(Boolean).length;
    var minutes = Math.max(1, Math.ceil(words / perMinute));
    return { text: fill(texts.getAttribute("data-body"), { words: words, minutes: minutes }) };
  });
  ["title", "standfirst"].forEach(function (name) {
    var limit = parseInt(texts.getAttribute("data-" + name + "-limit"), 10);
    counter("id_" + name, function (value) {
      var count = value.trim().length;
      return { text: fill(texts.getAttribute("data-" + name), { count: count }), over: count > limit };
    });
  });
})();
