"""What an import did, as counts and lists that can be saved as JSON."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from dastan.importers.wordpress.mapping import ExportIndex


@dataclass
class ImportReport:
    """What an import did, as counts and lists that can be saved as JSON."""

    file: str
    site: str
    dry_run: bool
    source: dict[str, Any] = field(default_factory=dict)
    articles: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    skipped_items: list[dict] = field(default_factory=list)
    authors: dict[str, int] = field(default_factory=dict)
    sections: dict[str, int] = field(default_factory=dict)
    tags: dict[str, int] = field(default_factory=dict)
    media: dict[str, Any] = field(default_factory=dict)
    redirects: int = 0
    # Old paths another imported site already redirects (first come, first kept).
    redirects_claimed: list[str] = field(default_factory=list)
    # Old permalinks that are now another article's own address (see _report_hidden).
    redirects_hidden: list[str] = field(default_factory=list)
    # Multilingual exports: translation groups found, linked, already linked, refused;
    # categories and tags that became another's name in an edition.
    translations: dict[str, int] = field(default_factory=dict)
    comments: dict[str, int] = field(default_factory=dict)
    ignored_post_meta: dict[str, int] = field(default_factory=dict)
    notes: list[dict] = field(default_factory=list)
    # What the editor must know about the whole file (imported with --lenient ...).
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["articles"] = {k: self.articles.get(k, 0) for k in ("created", "updated", "unchanged")}
        data["skipped"] = dict(self.skipped.most_common())
        return data

    def summary(self) -> str:
        """Return a few lines for the terminal."""
        a = self.articles
        lines = [
            ("Dry run: nothing was written. " if self.dry_run else "")
            + f"Articles: {a['created']} created, {a['updated']} updated, "
            f"{a['unchanged']} unchanged.",
            f"Authors: {self.authors.get('created', 0)} created; sections: "
            f"{self.sections.get('created', 0)} created; tags: {self.tags.get('created', 0)} "
            f"created; redirects: {self.redirects}.",
            f"Media: {self.media.get('copied', 0)} copied, "
            f"{self.media.get('would_copy', 0)} to copy, {self.media.get('found', 0)} "
            f"already there, {len(self.media.get('kept_original_url', []))} kept at their "
            f"original address, {len(self.media.get('missing_on_own_host', []))} missing "
            "on the old blog's own host (broken after the DNS switch), "
            f"{len(self.media.get('refused', {}))} refused (not an image that decodes or a "
            "passive document: see the JSON report).",
            f"Comments not imported: {self.comments.get('total', 0)}; ignored post meta "
            f"entries: {sum(self.ignored_post_meta.values())}.",
        ]
        t = self.translations
        if t.get("groups") or t.get("terms"):
            lines.append(
                f"Translations: {t.get('linked', 0)} groups linked, {t.get('unchanged', 0)} "
                f"already linked, {t.get('refused', 0)} refused; {t.get('terms', 0)} "
                "categories/tags imported as another's name in their edition."
            )
        if self.skipped:
            reasons = ", ".join(f"{n} {why}" for why, n in self.skipped.most_common())
            lines.append(f"Skipped: {reasons}.")
        if self.redirects_claimed or self.redirects_hidden:
            lines.append(
                f"Old addresses kept by another site: {len(self.redirects_claimed)}; "
                f"now another article's page: {len(self.redirects_hidden)}."
            )
        if self.notes:
            lines.append(f"Notes on {len(self.notes)} post(s): see the JSON report.")
        lines.extend(f"Warning: {warning}." for warning in self.warnings)
        return "\n".join(lines)


def report_start(
    path: Path, index: ExportIndex, *, dry_run: bool, site: str | None
) -> ImportReport:
    """Return a report holding what the export contains, before anything is imported."""
    by_type: Counter = Counter()
    by_status: dict[str, dict[str, int]] = {}
    for (post_type, status), n in index.items.items():
        by_type[post_type] += n
        by_status.setdefault(post_type, {})[status] = n
    report = ImportReport(file=str(path), site=site or index.site, dry_run=dry_run)
    report.source = {
        "wxr_version": index.channel.wxr_version,
        "title": index.channel.title,
        "items": sum(by_type.values()),
        "by_type": dict(by_type.most_common()),
        "by_status": by_status,
        "declared_authors": len(index.authors),
        "guest_authors": len(index.guest_authors),
        "declared_categories": len(index.declared.get("category", ())),
        "declared_tags": len(index.declared.get("post_tag", ())),
        "categories": len(index.categories),
        "tags": len(index.tags),
        "other_terms": dict(index.other_terms),
        "renamed_sections": index.renamed_sections,
        "multilingual": index.editions.plugin,
        "languages": dict(sorted(index.editions.prefixes.items())),
        "unknown_languages": dict(index.editions.unknown),
    }
    report.comments = {
        "total": sum(n for k, n in index.comments.items() if k not in ("unapproved", "replies")),
        **dict(index.comments),
    }
    report.ignored_post_meta = dict(index.ignored_meta.most_common())
    return report
