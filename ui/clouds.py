"""Term clouds: which words a cloud shows and how big (counts, or log-odds z-scores of a source against the
others), and the cloud as PNG bytes, drawn with a CJK font found on the machine.

The ``wordcloud`` package draws with one TrueType font; its bundled font has no
Chinese glyphs, so :func:`find_cjk_font` looks for a Simplified Chinese font in
the usual system folders (the Debian package ``fonts-wqy-microhei`` first, which
``packages.txt`` and ``scripts/setup.sh`` install) or takes ``DUIZHAO_FONT``.
"""

from __future__ import annotations

import io
import os
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ui import i18n
from ui.views import filter_by_sources

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
# The light end of viridis (green to yellow) is hard to read on white: words take colours from its dark
# part only, all at least 3:1 against white (the WCAG contrast for large text).
COLORMAP_TOP = 0.58


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


def contrast_with_white(rgb: tuple[int, int, int]) -> float:
    """The WCAG contrast ratio of an sRGB colour (0–255) against white: 1 (white) to 21 (black)."""
    def linear(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


def dark_colors(colormap: str = "viridis", top: float = COLORMAP_TOP):
    """A ``color_func`` for WordCloud: a random colour from the first ``top`` of ``colormap``."""
    import matplotlib

    cmap = matplotlib.colormaps[colormap]

    def color(word, font_size, position, orientation, random_state=None, **kwargs) -> str:
        r, g, b, _ = cmap(random_state.uniform(0, top))
        return f"rgb({round(r * 255)}, {round(g * 255)}, {round(b * 255)})"

    return color


def drawable(term: str) -> bool:
    """A term the CJK font can draw: not empty and without pictographs (emoji), which it would draw as boxes."""
    return bool(term.strip()) and not any(
        unicodedata.category(c) in ("So", "Cs", "Co", "Cf") and ord(c) > 0x2FFF for c in term)


def cloud_png(freqs: Mapping[str, float], width: int = 900, height: int = 500, font_path: Path | None = None,
              colormap: str = "viridis", layout_scale: int = 2, title: str = "") -> bytes:
    """A word cloud of ``freqs`` (term → weight, all positive) as PNG bytes on a white background,
    in dark colours of ``colormap`` (:func:`dark_colors`); ``title`` (its scope) written above it, so a
    downloaded PNG says what it shows.

    Words are placed on a canvas ``layout_scale`` times smaller and drawn at full size:
    placing is most of the time, and at half size it takes about half as long.
    """
    from wordcloud import WordCloud

    weights = {term: float(w) for term, w in freqs.items() if w and w > 0 and drawable(term)}
    if not weights:
        raise ValueError("no terms with a positive weight to draw")
    cloud = WordCloud(
        font_path=str(font_path or default_font()), width=max(1, round(width / layout_scale)),
        height=max(1, round(height / layout_scale)), scale=layout_scale, background_color="white",
        color_func=dark_colors(colormap), prefer_horizontal=1.0, max_words=len(weights), random_state=7, margin=4,
        collocations=False,
    ).generate_from_frequencies(weights)
    image = cloud.to_image()
    if title:
        image = titled(image, title, font_path or default_font())
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def titled(image, title: str, font_path: Path):
    """``image`` with a white band above it holding ``title`` in the CJK font."""
    from PIL import Image, ImageDraw, ImageFont

    size = max(14, image.width // 40)
    band = size * 2
    out = Image.new("RGB", (image.width, image.height + band), "white")
    out.paste(image, (0, band))
    font = ImageFont.truetype(str(font_path), size)
    ImageDraw.Draw(out).text((size // 2, band // 2), title, font=font, fill=(31, 35, 40), anchor="lm")
    return out


def term_totals(term_counts: pd.DataFrame) -> pd.Series:
    """Term → count summed over the given rows, most frequent first (ties in term order)."""
    if term_counts.empty:
        return pd.Series(dtype="int64")
    return term_counts.groupby("term")["count"].sum().sort_values(ascending=False, kind="stable")


def top_terms(totals: pd.Series, top_n: int = 100) -> dict[str, float]:
    """The first ``top_n`` terms of :func:`term_totals` with a positive count."""
    return {str(t): float(c) for t, c in totals.head(top_n).items() if c > 0}


def term_frequencies(term_counts: pd.DataFrame, top_n: int = 100) -> dict[str, float]:
    """The ``top_n`` most frequent terms over the given rows, summed across articles."""
    return top_terms(term_totals(term_counts), top_n)


def as_counter(totals: pd.Series) -> Counter:
    """A :func:`term_totals` series as a Counter (what :func:`core.terms.distinctive_terms` takes)."""
    return Counter({str(t): int(c) for t, c in totals.items() if c > 0})


def distinctive_frequencies(term_counts: pd.DataFrame, source: str, others: Iterable[str],
                            top_n: int = 40) -> dict[str, float]:
    """Terms distinctive of ``source`` against ``others`` (positive log-odds z-scores only)."""
    focus = term_totals(filter_by_sources(term_counts, [source]))
    return distinctive_weights(focus, term_totals(filter_by_sources(term_counts, others)), top_n)


def distinctive_weights(focus: pd.Series, rest: pd.Series, top_n: int = 40) -> dict[str, float]:
    """Terms distinctive of the ``focus`` term totals against ``rest``: positive Fightin' Words z-scores."""
    from core.terms import distinctive_terms

    ranked = distinctive_terms(as_counter(focus), as_counter(rest), top_n=top_n)
    return {d.term: float(d.zscore) for d in ranked if d.zscore > 0}


def weights_table(freqs: dict[str, float], lang: str, weight: str = "count") -> pd.DataFrame:
    """The cloud's words and weights as a table, biggest first (the bar chart and the CSV)."""
    term_col, weight_col = i18n.label(i18n.COLUMNS, "term", lang), i18n.t(weight, lang)
    table = pd.DataFrame(list(freqs.items()), columns=[term_col, weight_col])
    return table.sort_values(weight_col, ascending=False, kind="stable").reset_index(drop=True)
