// Clipboard HTML from Word and Google Docs, reduced to plain structure before the editor's
// schema reads it (rendering/paste.py does the same on the server for whatever gets past).
//
// Word: conditional comments, <o:p>, "MsoListParagraph" paragraphs whose bullet is a span
// styled mso-list:Ignore. Google Docs: a <b id="docs-internal-guid-..."> around everything
// with font-weight:normal, bold and italic as styled spans, headings as <h1>.
const LIST_PARAGRAPH = /MsoListParagraph/i;
const HEADING_LEVEL = { H1: "h2", H5: "h4", H6: "h4" };

function unwrap(node) {
  node.replaceWith(...node.childNodes);
}

function styledSpans(doc) {
  doc.querySelectorAll("span[style]").forEach((span) => {
    const style = span.getAttribute("style") || "";
    const bold = /font-weight\s*:\s*(bold|[6-9]00)/i.test(style);
    const italic = /font-style\s*:\s*italic/i.test(style);
    let inner = span;
    if (bold || italic) {
      const wrapper = doc.createElement(bold ? "strong" : "em");
      wrapper.append(...span.childNodes);
      if (bold && italic) {
        const em = doc.createElement("em");
        em.append(...wrapper.childNodes);
        wrapper.append(em);
      }
      span.replaceWith(wrapper);
      inner = null;
    }
    if (inner) {
      unwrap(inner);
    }
  });
}

function wordLists(doc) {
  let list = null;
  Array.from(doc.body.querySelectorAll("p")).forEach((p) => {
    const style = p.getAttribute("style") || "";
    if (!LIST_PARAGRAPH.test(p.className) && !/mso-list\s*:/i.test(style)) {
      list = null;
      return;
    }
    const marker = p.querySelector("span[style*='mso-list']");
    const bullet = marker ? marker.textContent.trim() : "";
    const ordered = /^[0-9a-z]+[.)]$/i.test(bullet);
    if (marker) {
      marker.remove();
    }
    const tag = ordered ? "OL" : "UL";
    if (!list || list.tagName !== tag || list.nextElementSibling !== p) {
      list = doc.createElement(tag);
      p.before(list);
    }
    const item = doc.createElement("li");
    item.append(...p.childNodes);
    list.append(item);
    p.remove();
  });
}

export function cleanPastedHTML(html) {
  const withoutComments = html.replace(/<!--\[if[\s\S]*?<!\[endif\]-->/gi, "").replace(/<!--[\s\S]*?-->/g, "");
  const doc = new DOMParser().parseFromString(withoutComments, "text/html");
  doc.querySelectorAll("style, script, meta, link, title, xml").forEach((node) => node.remove());
  doc.querySelectorAll("b[id^='docs-internal-guid']").forEach(unwrap);
  doc.querySelectorAll("b[style*='font-weight:normal'], b[style*='font-weight: normal']").forEach(unwrap);
  wordLists(doc);
  styledSpans(doc);
  Object.entries(HEADING_LEVEL).forEach(([from, to]) => {
    doc.querySelectorAll(from).forEach((heading) => {
      const replacement = doc.createElement(to);
      replacement.append(...heading.childNodes);
      heading.replaceWith(replacement);
    });
  });
  Array.from(doc.getElementsByTagName("*")).forEach((element) => {
    if (element.tagName.includes(":")) {
      unwrap(element);
      return;
    }
    ["style", "class", "id", "dir", "lang"].forEach((name) => {
      if (name === "class" && /^wp-/.test(element.getAttribute("class") || "")) {
        return;
      }
      element.removeAttribute(name);
    });
  });
  return doc.body.innerHTML;
}
