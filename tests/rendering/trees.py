"""Compare HTML by structure: tags, attributes and text, not serialisation details."""

from __future__ import annotations

from html.parser import HTMLParser

VOID = frozenset({"br", "col", "hr", "img", "source", "track", "wbr"})


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root: list = []
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: " ".join((value or "").split()) for name, value in attrs}
        node = (tag, tuple(sorted(values.items())), [])
        self.stack[-1].append(node)
        if tag not in VOID:
            self.stack.append(node[2])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID and len(self.stack) > 1:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.stack[-1].append(" ".join(data.split()))


def tree(html: str) -> list:
    """Return ``html`` as nested (tag, attributes, children) tuples."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def find_all(html: str, tag: str) -> list[dict[str, str]]:
    """Return the attributes of every ``tag`` element, in document order."""
    found: list[dict[str, str]] = []

    def walk(nodes: list) -> None:
        for node in nodes:
            if isinstance(node, tuple):
                if node[0] == tag:
                    found.append(dict(node[1]))
                walk(node[2])

    walk(tree(html))
    return found


_SCRIPT_URL = ("javascript:", "vbscript:", "data:")
_UNSAFE_ELEMENTS = frozenset(
    {"script", "style", "svg", "math", "object", "embed", "form", "base", "meta", "link"}
)


def unsafe_parts(html: str) -> list[str]:
    """Return every element or attribute in ``html`` that could run script."""
    problems: list[str] = []

    def walk(nodes: list) -> None:
        for node in nodes:
            if not isinstance(node, tuple):
                continue
            tag, attrs, children = node
            if tag in _UNSAFE_ELEMENTS:
                problems.append(f"<{tag}>")
            for name, value in attrs:
                cleaned = "".join(value.split()).lower()
                if (
                    name.startswith("on")
                    or name == "srcdoc"
                    or (name == "style" and tag != "figure")
                ):
                    problems.append(f"{tag}[{name}]")
                elif cleaned.startswith(_SCRIPT_URL):
                    problems.append(f"{tag}[{name}={value}]")
            if tag == "iframe" and not dict(attrs).get("src", "").startswith(
                ("https://www.youtube-nocookie.com/embed/", "https://player.vimeo.com/video/")
            ):
                problems.append("<iframe> from another host")
            walk(children)

    walk(tree(html))
    return problems
