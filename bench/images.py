"""Picture figures for docs/benchmarks.md (issue #12).

    python bench/images.py                      # renditions of a 12-MP photo
    python bench/images.py --site http://127.0.0.1:8110   # + a served site's home on a phone

1. Renditions: a 4,000 x 3,000 picture (gradients, shapes and sensor-like noise, so encoders
   work as on a photo) made into every rendition the pages use (``media.pictures.specs_used``),
   made together as a publish makes them (one decode per JPEG scale, one resize per shape and
   width) and one by one as first requests make them, with wall and CPU time, and bytes
   against the original JPEG at the card (640) and article (960) sizes.
2. ``--site``: the home page in headless Chromium as a 390 x 844 phone (device pixel ratio 3):
   the bytes of every image the first viewport loads (Resource Timing's ``encodedBodySize``;
   lazy pictures below the fold are not fetched).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dastan.settings.test")


def photo(size: tuple[int, int] = (4000, 3000)) -> bytes:
    """Return a 12-MP JPEG that compresses like a photo (smooth areas, edges and noise)."""
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(12)
    base = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(base)
    for _ in range(40):
        x, y, r = rng.randrange(size[0]), rng.randrange(size[1]), rng.randint(50, 600)
        colour = tuple(rng.randint(0, 255) for _ in range(3))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    base = base.filter(ImageFilter.GaussianBlur(6))
    noise = Image.effect_noise(size, 24).convert("RGB")
    picture = Image.blend(base, noise, 0.12)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def renditions() -> None:
    import django

    django.setup()
    from dastan.media.models import Image
    from dastan.media.pictures import specs_used
    from dastan.media.renditions import rendition_render, renditions_render

    source = photo()
    image = Image(width=4000, height=3000, format="jpg", sha256="0" * 64)
    specs = specs_used(image)
    print(f"source: 4000 x 3000 JPEG, {len(source):,} bytes; {len(specs)} renditions")
    # Together: what a publish does (media.renditions.renditions_make), one decode per scale.
    wall, cpu = time.perf_counter(), time.process_time()
    made = renditions_render(source, specs, focal=(0.5, 0.5))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"all {len(specs)} renditions together: {wall:.2f} s wall, {cpu:.2f} s CPU")
    for ext in ("avif", "webp", "jpg"):
        total = sum(len(content) for spec, content in made.items() if spec.ext == ext)
        print(f"  {ext}: {total:,} bytes in all")
    # One by one: what the first request for a size not made yet costs (media.views).
    print(f"{'spec (alone)':<20}{'wall ms':>9}{'cpu ms':>9}{'bytes':>10}{'% of original':>15}")
    wall_all = cpu_all = 0.0
    for spec in specs:
        wall, cpu = time.perf_counter(), time.process_time()
        content = rendition_render(source, spec, focal=(0.5, 0.5))
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        wall_all, cpu_all = wall_all + wall, cpu_all + cpu
        share = 100 * len(content) / len(source)
        if spec.width in (640, 960, 1200):
            times = f"{wall * 1000:>9.0f}{cpu * 1000:>9.0f}"
            print(f"{spec.name:<20}{times}{len(content):>10,}{share:>14.1f}%")
    print(f"all {len(specs)} renditions one by one: {wall_all:.2f} s wall, {cpu_all:.2f} s CPU")


def home_bytes(site: str) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "web"))
    from browser import chromium_driver

    driver = chromium_driver()
    try:
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": 390, "height": 844, "deviceScaleFactor": 3, "mobile": True},
        )
        driver.get(site.rstrip("/") + "/")
        time.sleep(2)
        entries = driver.execute_script(
            "return performance.getEntriesByType('resource')"
            ".filter(e => e.initiatorType === 'img' || /\\/media\\//.test(e.name))"
            ".map(e => [e.name, e.encodedBodySize]);"
        )
    finally:
        driver.quit()
    total = sum(size for _, size in entries)
    for name, size in entries:
        print(f"{size:>9,}  {name}")
    print(f"home, 390 x 844 at DPR 3, first viewport: {len(entries)} images, {total:,} bytes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", help="a served Dastan (the demo) to measure the home page of")
    args = parser.parse_args()
    renditions()
    if args.site:
        home_bytes(args.site)


if __name__ == "__main__":
    main()
