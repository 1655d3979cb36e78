"""Bring a file already in storage (an old upload, an imported copy) into the library in place.

Used by the data migrations, with their historical ``Image`` model, and by the WordPress
importer: the file keeps its name (addresses already published keep working) and is not
rewritten; what does not decode is left out and reported by the caller.
"""

from __future__ import annotations

import hashlib
import io
import warnings

from django.core.files.storage import Storage
from PIL import Image as PILImage

from dastan.media.uploads import FORMATS


def stored_file_adopt(image_model, storage: Storage, name: str, **texts: str):
    """Return the library image for the stored file ``name``, creating it; None if unusable."""
    found = image_model.objects.filter(file=name).first()
    if found is not None:
        return found
    try:
        with storage.open(name, "rb") as handle:
            content = handle.read()
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            # The header only: these files were decoded whole when they came in (an upload,
            # the importer's check), and a migration over thousands must not decode each.
            with PILImage.open(io.BytesIO(content), formats=list(FORMATS)) as picture:
                size, kind = picture.size, picture.format
    except (OSError, ValueError, SyntaxError, EOFError, Warning, PILImage.DecompressionBombError):
        return None
    digest = hashlib.sha256(content).hexdigest()
    found = image_model.objects.filter(sha256=digest).first()
    if found is not None:
        return found
    return image_model.objects.create(
        file=name,
        width=size[0],
        height=size[1],
        format=FORMATS[kind],
        sha256=digest,
        alt_text=(texts.get("alt_text") or "")[:500],
        caption=(texts.get("caption") or "")[:500],
        credit=(texts.get("credit") or "")[:200],
    )
