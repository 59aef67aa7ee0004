"""Decoding a file's bytes to text: byte-order marks, UTF-16, UTF-8, GB18030 and Big5.

In: bytes and, for a web page, the charset it declares. Out: ``Decoded`` text with ``\n``
newlines, the encoding used and how many undecodable bytes became U+FFFD; ``LoadError`` for
empty, binary or undecodable data. See :func:`decode_bytes` for the order of attempts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from core.normalize import converter
from core.words import Reason

_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8", "utf-8-sig"),
    (b"\xff\xfe", "utf-16-le", "utf-16"),
    (b"\xfe\xff", "utf-16-be", "utf-16"),
)
# A few GB18030 or Big5 characters can happen to be valid UTF-8; longer texts cannot.
_CHANCE_UTF8_BYTES = 256
# Otherwise-UTF-8 data may have one bad byte in this many and still be read as UTF-8, bad bytes replaced.
_BYTES_PER_TOLERATED_ERROR = 2_000
# How much more disorder (charset-normalizer's mess ratio) a declared charset may show than the guess.
_DECLARED_SLACK = 0.1
_REPLACED_RUN = re.compile("\ufffd+")
_DETECT_SAMPLE = 50_000
# What charset-normalizer may guess: the encodings Chinese text is written in.
_DETECTED_CODECS = ("utf_8", "gb18030", "gbk", "gb2312", "big5", "cp950", "big5hkscs", "utf_16_le", "utf_16_be")
_CHARSET_SNIFF_BYTES = 4_096
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)
# Charsets read through a superset: a GB2312/GBK page may use GB18030-only characters, a Big5 page cp950's.
_WIDER_CODEC = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "cp950", "ascii": "utf_8"}
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")

# The most frequent hanzi of running text (Simplified; Traditional forms are
# added by OpenCC). Real Chinese is largely made of them; Big5 bytes read as
# GB18030, or GB bytes read as Big5, hit them only by chance.
_COMMON_HANZI = (
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后作里"
    "用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从想实"
    "日军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问很最重并物手应战向头文体政"
    "美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给世位次度门任常先海通教儿原东声提立及比员"
    "解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报才结反受目太量再感建务做接必场件"
    "计管期市直德资命山金指克许统区保至队形社便空决治展马科司五基书非则听白却界达光放强即像难且权思王象完"
    "设式色路记南品住告类求据程北边死张该交规万取拉格望觉术领共确传师观清今切院让识候带导争运步改收根造言"
    "联持组每济车亲极林服快办议往元英士证近失转令准布始存未远台单影具罗字击流备兵连调深商算质团集百需价"
)


class LoadError(ValueError):
    """A file that cannot become an article: ``reason`` says why (a code, see :mod:`core.words`); its
    message is the English sentence."""

    def __init__(self, code: str, **params: object) -> None:
        self.reason = Reason.of(code, **params)
        super().__init__(str(self.reason))


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text decoded from bytes, the encoding used, and how many undecodable bytes became U+FFFD."""

    text: str
    encoding: str
    replaced: int = 0


def decode(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode a file's bytes to text with ``\\n`` newlines; returns (text, encoding name).

    ``decode_bytes`` without its count of replaced bytes. Raises ``LoadError`` for empty, binary
    or undecodable data.
    """
    decoded = decode_bytes(data, declared)
    return decoded.text, decoded.encoding


def decode_bytes(data: bytes, declared: str | None = None) -> Decoded:
    """Decode bytes to text with ``\\n`` newlines, trying in this order:

    1. a byte-order mark; UTF-16 without one when the data has NUL bytes;
    2. strict UTF-8 (``"芯片"`` as 6 UTF-8 bytes);
    3. for data shorter than ``_CHANCE_UTF8_BYTES`` (a few characters, too little for a
       detector), the strict decoding among UTF-8, GB18030 and Big5 that reads most like Chinese;
    4. UTF-8 with a few bad bytes (a truncated copy, one damaged byte): each replaced by U+FFFD
       and counted in ``Decoded.replaced``;
    5. the ``declared`` charset (a page's ``<meta charset>`` or HTTP header; a few bad bytes
       replaced), unless it decodes worse than what charset-normalizer finds (a page that says
       ``utf-8`` or ``gb2312`` and is really Big5);
    6. charset-normalizer's best guess among the encodings Chinese is written in;
    7. GB18030, then Big5, with a few bad bytes replaced.

    GB2312 and GBK are read as GB18030 (their superset). Raises ``LoadError`` for empty,
    binary or undecodable data.
    """
    if not data:
        raise LoadError("empty")
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom):], codec)
            if text is None:
                raise LoadError("bad_bom", encoding=name.upper())
            return Decoded(_as_text(text), name)
    if b"\0" in data:
        # NUL bytes are either UTF-16 (then it reads clearly as text) or binary.
        best = _most_plausible(data, ("utf-16-le", "utf-16-be"), minimum=0.25)
        if best is None or _CONTROL.search(best[0][:100_000]):
            raise LoadError("binary_nul")
        return Decoded(_as_text(best[0]), best[1])
    text = _strict(data, "utf-8")
    if text is not None and (len(data) >= _CHANCE_UTF8_BYTES or text.isascii()):
        return Decoded(_as_text(text), "utf-8")
    if len(data) < _CHANCE_UTF8_BYTES:
        best = _most_plausible(data, ("utf-8", "gb18030", "big5", "cp950"))
        if best is not None:
            return Decoded(_as_text(best[0]), "big5" if best[1] == "cp950" else best[1])
    nearly = _nearly(data)
    if nearly is not None:
        return Decoded(_as_text(nearly[0]), "utf-8", replaced=nearly[1])
    return _detected(data, declared)


def _nearly(data: bytes, codec: str = "utf-8") -> tuple[str, int] | None:
    """``data`` in ``codec`` with its few bad bytes replaced, and how many; None when it is not that codec.

    A damaged character counts once however many of its bytes are bad: what is tolerated is one
    damaged place in ``_BYTES_PER_TOLERATED_ERROR`` bytes, among many good multibyte characters.
    """
    text = data.decode(codec, errors="replace")
    original = data.count("\ufffd".encode())
    bad = text.count("\ufffd") - original
    places = len(_REPLACED_RUN.findall(text)) - original
    multibyte = sum(1 for ch in text if ord(ch) > 0x7F) - bad
    if 0 < places <= max(1, len(data) // _BYTES_PER_TOLERATED_ERROR) and multibyte >= 4 * bad:
        return text, bad
    return None


def _detected(data: bytes, declared: str | None) -> Decoded:
    """The declared charset when it reads as well as charset-normalizer's guess, else the guess."""
    from charset_normalizer import from_bytes
    from charset_normalizer.md import mess_ratio

    guess = from_bytes(data, cp_isolation=list(_DETECTED_CODECS)).best()
    codec = _codec(declared)
    if codec is not None:
        text = _strict(data, codec)
        replaced = 0
        if text is None and (nearly := _nearly(data, codec)) is not None:
            text, replaced = nearly
        if text is not None and (guess is None or _codec(guess.encoding) == codec
                                 or mess_ratio(text[:_DETECT_SAMPLE], 1.0) <= guess.chaos + _DECLARED_SLACK):
            return Decoded(_as_text(text), _encoding_name(codec), replaced)
    if guess is None:
        # No codec reads it whole: a GB18030 or Big5 page with a damaged byte or two.
        for codec in ("gb18030", "cp950"):
            if (nearly := _nearly(data, codec)) is not None:
                return Decoded(_as_text(nearly[0]), _encoding_name(codec), nearly[1])
        raise LoadError("undecodable")
    codec = _codec(guess.encoding) or guess.encoding
    text = _strict(data, codec)
    return Decoded(_as_text(text if text is not None else str(guess)), _encoding_name(codec))


def _codec(name: str | None) -> str | None:
    """Python's codec for a charset label (``GB2312`` → ``gb18030``); None when unknown."""
    import codecs

    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None
    return _WIDER_CODEC.get(codec, codec)


def _encoding_name(codec: str) -> str:
    return {"cp950": "big5", "utf_8": "utf-8"}.get(codec, codec.replace("_", "-"))


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in its first bytes (``<meta charset="gbk">``), if any."""
    match = _META_CHARSET.search(data[:_CHARSET_SNIFF_BYTES])
    return match.group(1).decode("ascii", "replace") if match else None


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def _most_plausible(data: bytes, codecs: Sequence[str], minimum: float = 0.0) -> tuple[str, str] | None:
    """The strict decoding that reads most like Chinese text (the first on a tie), if any reads like text."""
    scored = []
    for codec in codecs:
        text = _strict(data, codec)
        if text is not None:
            scored.append((_plausibility(text), codec, text))
    if not scored:
        return None
    score, codec, text = max(scored, key=lambda s: s[0])
    return (text, codec) if score >= minimum else None


def _plausibility(text: str) -> float:
    """From -1 to 1: ASCII, CJK punctuation and common hanzi count for, characters a
    wrong decoding produces (controls, kana, Hangul, rare CJK, private use) against."""
    sample = text[:20_000]
    good = bad = 0
    for ch in sample:
        o = ord(ch)
        if o < 0x80:
            if ch.isprintable() or ch in "\t\n\r\f":
                good += 1
            else:
                bad += 1
        elif ch in _common_hanzi() or 0x3000 <= o <= 0x303F or 0xFF01 <= o <= 0xFF5E or 0x2010 <= o <= 0x206F:
            good += 1
        elif (
            0x3040 <= o <= 0x30FF or 0x3130 <= o <= 0x318F or 0xAC00 <= o <= 0xD7AF or 0x1100 <= o <= 0x11FF
            or 0x3400 <= o <= 0x4DBF or 0xE000 <= o <= 0xF8FF or 0xF900 <= o <= 0xFAFF or 0x0370 <= o <= 0x04FF
            or 0x2500 <= o <= 0x257F or o == 0xFFFD or 0x80 <= o <= 0x9F
        ):
            bad += 1
    return (good - bad) / len(sample) if sample else 0.0


@lru_cache(maxsize=1)
def _common_hanzi() -> frozenset[str]:
    return frozenset(_COMMON_HANZI) | frozenset(converter("s2t").convert(_COMMON_HANZI))


def _as_text(text: str) -> str:
    """Unix newlines; reject text full of control characters (a binary file that decoded)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    sample = text[:100_000]
    if len(_CONTROL.findall(sample)) > max(3, len(sample) // 100):
        raise LoadError("binary_control")
    return text
