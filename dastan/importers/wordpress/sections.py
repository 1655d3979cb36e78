"""Rebuild WordPress's category tree on Dastan sections."""

from __future__ import annotations

from dastan.content.models import Section
from dastan.content.services import sections_file
from dastan.importers.wordpress.mapping import PAGES_SECTION, ExportIndex, clean_title


def sections_arrange(
    index: ExportIndex, sections: dict[str, Section], *, created: set[str]
) -> None:
    """Rebuild the category tree on the sections; leave existing sections' settings alone.

    A section created by the import gets its parent and description and
    stays out of the navigation until an editor puts it there (an export may
    have hundreds of categories). An existing section only gains a parent
    when it has none and the link makes no loop.
    """
    changed: list[Section] = []
    pages = sections.get(PAGES_SECTION)
    if pages is not None and pages.slug in created:
        pages.in_navigation = False
        pages.description = "Pages of the former WordPress site."
        changed.append(pages)
    for slug, term in index.categories.items():
        if ("category", slug) in index.term_main:
            continue  # a translation: the section is its main category's
        section = sections[index.section_names[slug]]
        parent_name = index.section_names.get(term.parent)
        parent = sections.get(parent_name) if parent_name else None
        is_new = section.slug in created
        if is_new:
            section.in_navigation = False
            section.description = clean_title(term.description)
        if (
            parent
            and parent.pk != section.pk
            and (is_new or section.parent_id is None)
            and not _is_ancestor(section, parent, sections)
        ):
            section.parent = parent
        if is_new or section.parent_id:
            changed.append(section)
    sections_file(changed)


def _is_ancestor(section: Section, other: Section, sections: dict[str, Section]) -> bool:
    """Return whether ``section`` is ``other`` or one of its ancestors (a loop in the making)."""
    by_pk = {s.pk: s for s in sections.values()}
    seen: set[int] = set()
    node: Section | None = other
    while node is not None and node.pk not in seen:
        if node.pk == section.pk:
            return True
        seen.add(node.pk)
        node = by_pk.get(node.parent_id) if node.parent_id else None
    return False
