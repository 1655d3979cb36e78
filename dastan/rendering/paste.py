"""Word and Google Docs clipboard HTML reduced to plain structure, before sanitising.

The editor cleans a paste in the browser (``editor/src/paste.js``); this is the same
rule on the server, for a paste into the plain textarea or a script that did not run.
What the formats carry:

* Word: ``<!--[if ...]>`` conditional comments, ``<o:p>`` and other namespaced tags,
  list items as ``<p class="MsoListParagraph...">`` whose bullet is a
  ``<span style="mso-list:Ignore">``, and everything else in ``mso-`` styles.
* Google Docs: the whole paste wrapped in ``<b id="docs-internal-guid-...">`` with
  ``font-weight:normal`` (kept as ``<b>``, it would make the whole body bold), bold and
  italic as ``<span style="font-weight:700">``/``font-style:italic``, headings from ``<h1>``.

Whatever else is left (styles, Word's classes, Docs' ids) the sanitiser's allowlist removes.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

__all__ = ["is_pasted", "tidy_pasted"]

_PASTED = re.compile(r"mso-|docs-internal-guid|<o:p|class=\"?Mso|urn:schemas-microsoft", re.I)
_CONDITIONAL = re.compile(r"<!--\[if.*?<!\[endif\]-->|<!\[if[^>]*>|<!\[endif\]>", re.S | re.I)
_BOLD = re.compile(r"font-weight\s*:\s*(?:bold|[6-9]00)", re.I)
_ITALIC = re.compile(r"font-style\s*:\s*italic", re.I)
_NORMAL_WEIGHT = re.compile(r"font-weight\s*:\s*(?:normal|[1-4]00)", re.I)
_ORDERED = re.compile(r"^[0-9a-zA-Z]{1,4}[.)]$")
_HEADINGS = {"h1": "h2", "h5": "h4", "h6": "h4"}
# Characters XML (and so lxml) refuses; no clipboard text needs them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def is_pasted(html: str) -> bool:
    """Return whether ``html`` carries Word's or Google Docs' clipboard markup."""
    return bool(_PASTED.search(html))


def _unwrap(element: etree._Element) -> None:
    element.drop_tag()


def _style(element: etree._Element) -> str:
    return element.get("style") or ""


def _word_lists(root: etree._Element) -> None:
    current: etree._Element | None = None
    for paragraph in list(root.iter("p")):
        style = _style(paragraph)
        if "msolistparagraph" not in (paragraph.get("class") or "").lower() and (
            "mso-list" not in style.lower()
        ):
            current = None
            continue
        bullet = ""
        for marker in paragraph.xpath(".//span[contains(@style, 'mso-list')]"):
            bullet = bullet or marker.text_content().strip()
            marker.drop_tree()
        tag = "ol" if _ORDERED.match(bullet) else "ul"
        previous = paragraph.getprevious()
        if current is None or current.tag != tag or previous is not current:
            current = etree.Element(tag)
            paragraph.addprevious(current)
        paragraph.tag = "li"
        paragraph.attrib.clear()
        current.append(paragraph)


def _styled_spans(root: etree._Element) -> None:
    for span in list(root.iter("span")):
        style = _style(span)
        bold, italic = bool(_BOLD.search(style)), bool(_ITALIC.search(style))
        if not (bold or italic):
            _unwrap(span)
            continue
        span.tag = "strong" if bold else "em"
        span.attrib.clear()
        if bold and italic:
            inner = etree.SubElement(span, "em")
            inner.text, span.text = span.text, None
            for child in list(span)[:-1]:
                inner.append(child)


def tidy_pasted(html: str) -> str:
    """Return ``html`` with Word's and Google Docs' clipboard markup made plain.

    HTML that carries neither is returned as it is, byte for byte.
    """
    if not html or not is_pasted(html):
        return html
    html = _CONTROL.sub("", _CONDITIONAL.sub("", html))
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (ValueError, etree.ParserError):
        # Not HTML lxml can read: the sanitiser, which runs next, still cleans it.
        return html
    for element in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
        if not (element.text or "").strip().startswith("more"):
            element.drop_tree()
    for element in list(root.iter("style", "meta", "link", "title", "xml")):
        element.drop_tree()
    for element in list(root.iter()):
        if isinstance(element.tag, str) and ":" in element.tag:
            _unwrap(element)
    for bold in list(root.iter("b")):
        if (bold.get("id") or "").startswith("docs-internal-guid") or _NORMAL_WEIGHT.search(
            _style(bold)
        ):
            _unwrap(bold)
    _word_lists(root)
    _styled_spans(root)
    for element in list(root.iter(*_HEADINGS)):
        element.tag = _HEADINGS[element.tag]
    for element in root.iter():
        # Docs marks every block dir="ltr": the page's direction already says so.
        if isinstance(element.tag, str):
            element.attrib.pop("dir", None)
    inner = lxml.html.tostring(root, encoding="unicode")
    return inner[len("<div>") : -len("</div>")]
