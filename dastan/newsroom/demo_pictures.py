"""Pictures for the demo articles, drawn here: abstract shapes and map-like lines, no photos.

Each picture is drawn from its article's slug (the same slug draws the same picture, so the
library stores it once however often the demo is built), in the site's palette
(``web/static/web/site.css``: ink, accent blue, paper) with a warm steppe tone.
"""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw, ImageFilter

from dastan.media.models import Image as LibraryImage
from dastan.media.services import image_create

SIZE = (1600, 1000)
PAPER = (233, 229, 220)
PALETTE = [
    (11, 95, 138),
    (22, 24, 29),
    (91, 98, 112),
    (196, 146, 72),
    (120, 160, 150),
    (245, 246, 248),
]
ALT = {
    "en": {
        "shapes": "An abstract drawing of circles and bands in blue, ink and sand tones",
        "map": "An abstract map: rivers and roads crossing a sand-coloured plain, with a few towns",
    },
    "ru": {
        "shapes": "Абстрактный рисунок: круги и полосы в синих, тёмных и песочных тонах",
        "map": "Абстрактная карта: реки и дороги на песочной равнине и несколько городов",
    },
}
CREDIT = {"en": "Illustration: Dastan demo", "ru": "Иллюстрация: демо Dastan"}


def picture_draw(seed: str) -> tuple[bytes, str]:
    """Return a JPEG drawn from ``seed`` and its kind (``shapes`` or ``map``)."""
    rng = random.Random(seed)
    kind = rng.choice(["shapes", "map"])
    picture = Image.new("RGB", SIZE, PAPER)
    draw = ImageDraw.Draw(picture)
    if kind == "shapes":
        for _ in range(rng.randint(6, 11)):
            colour = rng.choice(PALETTE)
            x, y = rng.randint(-200, SIZE[0]), rng.randint(-200, SIZE[1])
            r = rng.randint(80, 420)
            if rng.random() < 0.6:
                draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
            else:
                draw.rectangle((x - r, y - r // 4, x + r * 2, y + r // 4), fill=colour)
    else:
        for _ in range(3):  # rivers
            points = [(0, rng.randint(0, SIZE[1]))]
            while points[-1][0] < SIZE[0]:
                last = points[-1]
                points.append((last[0] + rng.randint(60, 160), last[1] + rng.randint(-90, 90)))
            draw.line(points, fill=PALETTE[0], width=rng.randint(6, 14), joint="curve")
        for _ in range(4):  # roads
            a = (rng.randint(0, SIZE[0]), 0)
            b = (rng.randint(0, SIZE[0]), SIZE[1])
            draw.line([a, b], fill=PALETTE[2], width=4)
        for _ in range(rng.randint(4, 8)):  # towns
            x, y = rng.randint(100, SIZE[0] - 100), rng.randint(100, SIZE[1] - 100)
            draw.ellipse((x - 14, y - 14, x + 14, y + 14), fill=PALETTE[1])
            draw.ellipse((x - 30, y - 30, x + 30, y + 30), outline=PALETTE[3], width=4)
    picture = picture.filter(ImageFilter.GaussianBlur(1.2))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=88)
    return buffer.getvalue(), kind


def demo_picture(slug: str, language: str) -> LibraryImage:
    """Return the library image of the demo article ``slug``, drawing it the first time."""
    content, kind = picture_draw(slug)
    texts = ALT.get(language, ALT["en"])
    return image_create(
        file=io.BytesIO(content),
        alt_text=texts[kind],
        credit=CREDIT.get(language, CREDIT["en"]),
        focal_x=0.5,
        focal_y=0.45,
    )
