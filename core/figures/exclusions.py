"""Spans that never hold a figure: titles in 《》, addresses, registration and contact numbers,
copyright lines and set phrases (``core/data/figure_idioms.txt``)."""

from __future__ import annotations

import re

from core.figures.numbers import _CN_DIGIT_CLASS
from core.lexicon import alternation, first_characters, led_by, read_words

# Set phrases with numerals in them (十拿九稳, 二十国集团): never figures.
_IDIOMS = read_words("figure_idioms.txt")
_TITLE_RE = re.compile(r"《([^《》\n]{0,100})》")
_NOT_FIGURES = (
    _TITLE_RE,
    re.compile(r"〈[^〈〉\n]{0,100}〉"),
    re.compile(r"(?:https?://|www\.)[!-~]+", re.I),
    re.compile(r"[A-Za-z0-9._+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"),
    re.compile(r"(?<![A-Za-z0-9.-])[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
               r"\.(?:com|cn|net|org|gov|edu|hk|tw|io|info|top|cc|me)(?![A-Za-z0-9])", re.I),
    # 京ICP备12345678号, 许可证号：B2-20090059 (a licence's number, not 许可证有效期6个月 or 许可证申请1180份).
    re.compile(r"(?:ICP|公网安备|备案号?|许可证(?:编号|号))[^\n\d，。,;；]{0,6}\d[\d-]*号?", re.I),
    re.compile(r"(?:QQ|电话|手机|传真|热线|微信|邮编|tel|fax)\s*(?:号码?)?\s*[::]?\s*[\d+()\- ]{5,}", re.I),
    re.compile(r"(?:©|\(c\)|copyright|版权所有)[^\n]*", re.I),
    # 232条款, 301调查: a statute's section number, not a count.
    re.compile(r"(?<![\d.])\d{3}(?= ?(?:条款|调查|条例))"),
    led_by(first_characters(_IDIOMS), rf"(?<![\d{_CN_DIGIT_CLASS}十百千万亿])(?:{alternation(_IDIOMS)})"),
)

# ---------------------------------------------------------------- context
