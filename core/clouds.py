"""Word clouds of Chinese terms as PNG bytes, drawn with a CJK font found on the machine.

The ``wordcloud`` package draws with one TrueType font; its bundled font has no
Chinese glyphs, so :func:`find_cjk_font` looks for a Simplified Chinese font in
the usual system folders (the Debian package ``fonts-wqy-microhei`` first, which
``packages.txt`` and ``scripts/setup.sh`` install) or takes ``DUIZHAO_FONT``.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

FONT_DIRS = (
    Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts",
    Path.home() / ".local" / "share" / "fonts", Path("/Library/Fonts"), Path("/System/Library/Fonts"),
    Path("C:/Windows/Fonts"),
)
# Preferred first: WenQuanYi Micro Hei (face 0 is Simplified), then Noto / Source Han SC, then other SC fonts.
FONT_NAMES = (
    "wqy-microhei.ttc", "NotoSansCJKsc-Regular.otf", "NotoSansCJK-Regular.ttc", "NotoSansSC-Regular.otf",
    "NotoSansSC-Regular.ttf", "SourceHanSansSC-Regular.otf", "SourceHanSansCN-Regular.otf", "wqy-zenhei.ttc",
    "PingFang.ttc", "msyh.ttc", "simhei.ttf",
)
FONT_PACKAGE = "fonts-wqy-microhei"


class FontNotFoundError(FileNotFoundError):
    """No font with Chinese glyphs was found; the message says what to install."""


def find_cjk_font(dirs: Iterable[Path] = FONT_DIRS, names: Iterable[str] = FONT_NAMES) -> Path:
    """The path of a Simplified Chinese font: ``$DUIZHAO_FONT`` if set, else the first of ``names`` in ``dirs``."""
    override = os.environ.get("DUIZHAO_FONT")
    if override and Path(override).is_file():
        return Path(override)
    dirs = [d for d in dirs if d.is_dir()]
    for name in names:
        for folder in dirs:
            found = next(iter(sorted(folder.rglob(name))), None)
            if found is not None:
                return found
    raise FontNotFoundError(
        f"no Chinese font found in {', '.join(str(d) for d in dirs) or 'the font folders'}; "
        f"install the Debian package {FONT_PACKAGE} (apt-get install {FONT_PACKAGE}) or set DUIZHAO_FONT"
    )


@lru_cache(maxsize=1)
def default_font() -> Path:
    """The CJK font, looked up once per process."""
    return find_cjk_font()


def cloud_png(freqs: Mapping[str, float], width: int = 900, height: int = 500, font_path: Path | None = None,
              colormap: str = "viridis") -> bytes:
    """A word cloud of ``freqs`` (term → weight, all positive) as PNG bytes on a white background."""
    from wordcloud import WordCloud

    weights = {term: float(w) for term, w in freqs.items() if w and w > 0 and term.strip()}
    if not weights:
        raise ValueError("no terms with a positive weight to draw")
    cloud = WordCloud(
        font_path=str(font_path or default_font()), width=width, height=height, background_color="white",
        colormap=colormap, prefer_horizontal=1.0, max_words=len(weights), random_state=7, margin=4,
        collocations=False,
    ).generate_from_frequencies(weights)
    buffer = io.BytesIO()
    cloud.to_image().save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
