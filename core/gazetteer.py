"""Places from data rather than hand lists: CLDR territory names (through ``babel``) and world cities.

Countries and regions come in the Simplified, Traditional (Taiwan) and Hong Kong forms CLDR keeps
(阿拉伯联合酋长国 = 阿拉伯聯合大公國 = 阿拉伯聯合酋長國); cities from
``core/data/entity_world_cities.tsv``, built from GeoNames by ``scripts/build_city_gazetteer.py``.
The curated lexicon wins: a gazetteer name that is already one of its aliases adds its other forms
to that entity (中国澳门特别行政区 → 澳门) instead of making a second one.
"""

from __future__ import annotations

from functools import cache

from babel import Locale

from core.lexicon import read_rows

# Locales whose territory names are read; the first gives the canonical (Simplified) name.
_LOCALES = ("zh_Hans", "zh_Hant", "zh_Hant_HK")
# Special administrative regions are named in full by CLDR (中国香港特别行政区); articles also write
# the shorter forms.
_SAR_PREFIX, _SAR_SUFFIX = "中国", "特别行政区"


@cache
def territory_rows() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(Simplified name, every form) for each country and region CLDR names with a two-letter code."""
    locales = [Locale.parse(name) for name in _LOCALES]
    rows = []
    for code in locales[0].territories:
        if len(code) != 2 or not code.isalpha() or code in ("ZZ", "XA", "XB", "EZ", "UN", "QO"):
            continue
        forms = [loc.territories[code] for loc in locales if code in loc.territories]
        rows.append((forms[0], tuple(dict.fromkeys(forms))))
    return tuple(rows)


def sar_forms(name: str) -> list[str]:
    """Shorter forms of a special administrative region's name: 中国澳门特别行政区 → 澳门特别行政区, 澳门."""
    if not name.endswith(_SAR_SUFFIX):
        return []
    bare = name.removeprefix(_SAR_PREFIX)
    return [bare, bare.removesuffix(_SAR_SUFFIX), _SAR_PREFIX + bare.removesuffix(_SAR_SUFFIX)]


def city_rows() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(canonical name, every form) for each city of the world-city gazetteer."""
    return tuple(
        (row[0], (row[0], *(a for a in (row[2].split("|") if len(row) > 2 else []) if a)))
        for row in read_rows("entity_world_cities.tsv")
    )


@cache
def territory_english() -> dict[str, str]:
    """Each country's or region's Simplified CLDR name → its CLDR English name (越南 → Vietnam)."""
    simplified, english = Locale.parse(_LOCALES[0]), Locale.parse("en")
    return {simplified.territories[code]: english.territories[code] for code in simplified.territories
            if len(code) == 2 and code.isalpha() and code in english.territories}
