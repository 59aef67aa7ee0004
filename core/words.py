"""Core's codes and their words: why a file was not read, why a link was refused, in Chinese and English.

Core says what happened as a :class:`Reason` (a code and its parameters); this module writes it for a
reader (:func:`say`). It lives in ``core/`` because ``python -m core`` prints these reasons and writes
CSVs, and core imports nothing from the app layer; the dashboard's page words are ``ui/i18n.py``, which
renders core's codes through this module. A reason's ``str`` is its English sentence (what the command
line prints and the corpus key digests).

>>> str(Reason.of("too_large", size="6.0 MiB", limit="5.0 MiB"))
'file too large (6.0 MiB > 5.0 MiB limit)'
>>> say(Reason.of("too_large", size="6.0 MiB", limit="5.0 MiB"), "zh")
'文件过大（6.0 MiB，上限 5.0 MiB）'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Reason:
    """Why something was not read or was read with a note: a code of :data:`REASONS` and its parameters
    (a parameter may itself be a Reason: ``manifest_ignored`` says why the manifest was)."""

    code: str
    params: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, code: str, **params: object) -> Reason:
        return cls(code, tuple(params.items()))

    def __str__(self) -> str:
        return say(self, "en")

    def as_json(self) -> dict:
        """The reason as plain data (the cache stores it so): ``{"code": …, "params": {…}}``."""
        return {"code": self.code,
                "params": {k: v.as_json() if isinstance(v, Reason) else v for k, v in self.params}}

    @classmethod
    def from_json(cls, data: dict | str) -> Reason:
        if isinstance(data, str):
            return as_reason(data)
        params = {k: cls.from_json(v) if isinstance(v, dict) else v for k, v in data.get("params", {}).items()}
        return cls.of(data["code"], **params)


# Why a file was not read (or was read with a note), by code: (中文, English) with ``{name}`` parameters.
REASONS: dict[str, tuple[str, str]] = {
    "empty": ("空文件", "empty file"),
    "blank": ("空文件（只有空白）", "empty file (whitespace only)"),
    "binary_nul": ("不是文本：像是二进制文件（含 NUL 字节）", "not text: looks binary (NUL bytes)"),
    "binary_control": ("不是文本：像是二进制文件（含控制字符）", "not text: looks binary (control characters)"),
    "undecodable": ("无法按 UTF-8、UTF-16、GB18030 或 Big5 解码", "could not decode as UTF-8, UTF-16, GB18030 or Big5"),
    "bad_bom": ("文件以 {encoding} 字节顺序标记开头，却无法按 {encoding} 解码",
                "could not decode as {encoding} although the file starts with its byte-order mark"),
    "replaced_bytes": ("{count} 个无法解码的字节已替换为 U+FFFD；其余按 {encoding} 读取",
                       "{count} undecodable byte(s) replaced with U+FFFD; the rest was read as {encoding}"),
    "too_large": ("文件过大（{size}，上限 {limit}）", "file too large ({size} > {limit} limit)"),
    "no_html_text": ("HTML 中没有可见文字", "no visible text in the HTML"),
    "not_article_file": ("不是 .txt、.md 或 .html 文件", "not a .txt, .md or .html file"),
    "no_such_path": ("没有这个文件或文件夹", "no such file or folder"),
    "unreadable_file": ("无法读取文件（{detail}）", "could not read the file ({detail})"),
    "link_outside": ("指向文件夹以外的符号链接，未跟随", "a symbolic link leading outside the folder; not followed"),
    "subfolder": ("子文件夹，其中的文件未读取（请单独给出其路径）",
                  "a subfolder; its files are not read (give it as a path of its own)"),
    "not_regular": ("不是普通文件（管道、套接字或设备），未读取",
                    "not a regular file (a pipe, socket or device); not read"),
    "folder_unreadable": ("无权读取该文件夹，其中的文件已跳过",
                          "the folder could not be read (no permission); its files are skipped"),
    "manifest_missing_file": ("manifest.csv 列出了此文件，但找不到", "listed in manifest.csv but not found"),
    "manifest_no_file_column": ("manifest.csv 没有 file 列", "manifest.csv has no 'file' column"),
    "manifest_repeated": ("{file} 在第 {line} 行重复出现；该行已忽略，以第一次出现的为准",
                          "{file} is listed again on line {line}; that row is ignored and the first one used"),
    "manifest_bad_date": ("{file}：第 {line} 行的发布日期 {value} 不是日期，已忽略",
                          "{file}: published value {value} on line {line} is not a date; it is ignored"),
    "manifest_ignored": ("已忽略 manifest.csv：{detail}", "manifest ignored: {detail}"),
    "upload_budget": ("未加入：本次会话的上传总量上限为 {limit}；请先移除已上传的文章",
                      "not added: this session's uploads are limited to {limit} in all; remove uploaded articles "
                      "to add more"),
    "upload_duplicate": ("未加入：语料中已有相同的文本", "not added: the same text is already in the corpus"),
    "too_slow": ("已拒绝：提取所需处理器时间超过上传文件的上限 {seconds:g} 秒",
                 "refused: extracting it took more than the {seconds:g} s of processor time an upload may use"),
    "too_much_memory": ("已拒绝：提取所需内存超过上传文件的上限 {megabytes:,} MiB",
                        "refused: extracting it needed more than the {megabytes:,} MiB of memory an upload may use"),
    "extraction_failed": ("已拒绝：提取意外中止", "refused: its extraction stopped unexpectedly"),
    "figures_capped": ("数字已截断：保留前 {kept} 个，另有 {unread} 个数字未读取（每句最多 {per_sentence} 个，每篇最多 "
                       "{per_article} 个）",
                       "figures capped: the first {kept} kept, {unread} more numbers not read (at most "
                       "{per_sentence} figures a sentence, {per_article} an article)"),
    # An analyst's lexicon file (core/analyst.py).
    "at_line": ("第 {line} 行：{detail}", "line {line}: {detail}"),
    "userdict_line": ("应为「词 [词频] [词性]」", "expected 'word [frequency] [tag]'"),
    "alias_line": ("应为「名称<TAB>类型<TAB>别名」", "expected 'name<TAB>type<TAB>aliases'"),
    "alias_type": ("未知类型 {type}（应为 {types} 之一）", "unknown type {type} (one of {types})"),
    "not_utf8": ("不是 UTF-8 文本", "not UTF-8 text"),
    "cannot_read": ("无法读取（{detail}）", "cannot be read ({detail})"),
    "larger_than": ("超过 {kib} KiB", "larger than {kib} KiB"),
    # A sentence core has no code for yet: shown as it is in both languages.
    "text": ("{text}", "{text}"),
}


def say(reason: Reason | str, lang: str) -> str:
    """A reason in ``lang`` (``zh`` or ``en``); parameters that are reasons are said in ``lang`` too."""
    if isinstance(reason, str):
        reason = as_reason(reason)
    pair = REASONS.get(reason.code)
    if pair is None:
        return reason.code
    params = {k: say(v, lang) if isinstance(v, Reason) else v for k, v in reason.params}
    return (pair[1] if lang == "en" else pair[0]).format(**params)


def as_reason(text: str) -> Reason:
    """A sentence handed over as text (a stage with no code for it): shown as it is, in both languages."""
    return Reason.of("text", text=text)


# Why a link was not fetched or read: codes from core/fetch.py (FetchRefused), with their parameters.
REFUSALS: dict[str, tuple[str, str]] = {
    "scheme": ("只接受 http 或 https 链接（此链接为 {scheme}）",
               "only http and https links are fetched (this one is {scheme})"),
    "bad_url": ("链接无效", "not a valid link"),
    "dns": ("找不到主机 {host}", "host {host} not found"),
    "blocked_address": ("{host} 指向内部或保留地址 {address}，不予访问",
                        "{host} resolves to an internal or reserved address ({address}); not fetched"),
    "http_status": ("服务器返回 HTTP {status}", "the server answered HTTP {status}"),
    "too_many_redirects": ("重定向超过 {limit} 次", "more than {limit} redirects"),
    "content_type": ("内容类型 {type} 不是网页或订阅源", "content type {type} is not a web page or feed"),
    "too_large": ("超过大小上限（{limit} 字节）", "larger than the size limit ({limit} bytes)"),
    "timeout": ("{seconds} 秒内未完成", "not done within {seconds} s"),
    "tls": ("TLS 连接失败（{detail}）", "TLS connection failed ({detail})"),
    "connection": ("连接失败（{detail}）", "connection failed ({detail})"),
    "not_a_feed": ("不是 RSS 或 Atom 订阅源", "not an RSS or Atom feed"),
    "unreadable": ("无法读取：{detail}", "not readable: {detail}"),
}


def refusal(code: str, lang: str, **params: object) -> str:
    """Why a link was refused, in ``lang``; the code itself when unknown.

    >>> refusal("http_status", "zh", status=404)
    '服务器返回 HTTP 404'
    """
    pair = REFUSALS.get(code)
    if pair is None:
        return code
    zh, en = pair
    params = {k: say(v, lang) if isinstance(v, Reason) else v for k, v in params.items()}
    try:
        return (en if lang == "en" else zh).format(**params)
    except (KeyError, IndexError):
        return en if lang == "en" else zh


# --- claims (core/claims.py): the words of its codes, for comparisons.csv's explanations and the dashboard ---

# A figure's modality, by code: (label 中文, label English, verb 中文, verb English). The label names the kind of
# figure (a table cell, a chart legend: 实测 / reported); the verb is how an explanation says a source states it
# (新华社报告38% / Xinhua reports 38%).
MODALITY: dict[str, tuple[str, str, str, str]] = {
    "reported": ("实测", "reported", "报告", "reports"),
    "projected": ("预测", "projected", "预测", "projects"),
    "target": ("目标", "target", "目标", "targets"),
    "estimate": ("估算", "estimate", "估算", "estimates"),
    "rule": ("规定", "rule", "规定", "states the rule of"),
}
# A figure's qualifier, by code: (中文, English), written before the figure (超38% / over 38%).
QUALIFIER: dict[str, tuple[str, str]] = {
    "exact": ("", ""), "about": ("约", "about"), "over": ("超", "over"), "at_least": ("至少", "at least"),
    "under": ("不到", "under"), "at_most": ("至多", "at most"),
}
# Why two figures differ (verdicts.Verdict.reason, or the pair's note when it says more), by code:
# (short 中文, short English, sentence 中文, sentence English). The short words head a card; the sentence ends an
# explanation. ``agree`` is the short word for a group whose telling pair agrees.
PAIR_REASON: dict[str, tuple[str, str, str, str]] = {
    "agree": ("一致", "agree", "两者一致", "consistent"),
    "different_period": ("时期不同", "different periods", "时期不同", "different periods, not the same fact"),
    "different_modality": ("性质不同", "different kinds of figure", "性质不同（实测与预测、目标或规定）",
                           "a projection or target, not the same fact as a reported figure"),
    "unexplained": ("真正矛盾", "a real contradiction", "同一时期、同一性质，数字矛盾",
                    "same period and modality: a real contradiction"),
    "before_after": ("前后变化", "a change over time", "同一句中的前后变化",
                     "a change stated in one sentence (before and after)"),
    "self_contradiction": ("文中前后不一", "inconsistent within the article", "同一篇文章前后说法矛盾",
                           "the article contradicts itself"),
}
# How an explanation is put together, by case: (中文, English).
_EXPLANATION = {
    "same_source_agree": ("{what}：{a}，{b}：两者一致，均引述{source}。",
                          "{what}: {a}; {b}: consistent, both quoting {source}."),
    "agree": ("{what}：{a}，{b}：两者一致{edge}。", "{what}: {a}; {b}: consistent{edge}."),
    "differ": ("{what}：{a}；{b}：{reason}{source_note}。", "{what}: {a}; {b}: {reason}{source_note}."),
    "boundary": ("，仅在边界处相合", ", meeting only at the boundary"),
    "periods_apart": ("，但时期不同，并非同一事实", ", but for different periods: not the same fact"),
    "same_source": ("，两篇引述同一出处（{source}）", "; both quote the same source ({source})"),
    "sources_differ": ("，出处也不同", "; the sources differ too"),
}
# A claim group's headline in claims.csv's groups, by status: (中文, English).
HEADLINE: dict[str, tuple[str, str]] = {
    "contradiction": ("{label}：{values}，同一时期说法矛盾", "{label}: {values} — the figures contradict each other"),
    "explained": ("{label}：{values}，差异可由时期或性质解释",
                  "{label}: {values} — they differ, explained by period or modality"),
    "agree": ("{label}：{values}，各方一致", "{label}: {values} — the figures agree"),
}


def _in(pair: tuple[str, ...], lang: str, english_at: int = 1) -> str:
    return pair[english_at] if lang == "en" else pair[english_at - 1]


def modality_label(code: str, lang: str) -> str:
    """实测 / reported … (the code itself when unknown)."""
    return _in(MODALITY[code], lang) if code in MODALITY else code


def pair_reason(code: str, lang: str, *, short: bool = False) -> str:
    """Why two figures differ, as a card heads it (``short``) or as an explanation ends."""
    return _in(PAIR_REASON[code], lang, 1 if short else 3)


def headline(status: str, label: str, values: str, lang: str) -> str:
    return _in(HEADLINE[status], lang).format(label=label, values=values)


def explanations_of_sides(what: str, a: tuple[str, str], b: tuple[str, str], source_a: str, source_b: str,
                          verdict: str, reason: str, *, boundary: bool, periods_apart: bool,
                          note: str) -> tuple[str, str]:
    """One sentence in each language (中文, English) on why two figures agree or differ, each side already worded
    in both (:func:`side_words`), with the sources they quote (``attributed_to``). ``reason`` is the verdict's
    reason code, ``note`` the pair's (``before_after``, ``self_contradiction``, ``same_source`` or "")."""
    said = [{"what": what, "a": a[n], "b": b[n], "source": source_a} for n in (0, 1)]
    if verdict == "agree" and note == "same_source":
        template = _EXPLANATION["same_source_agree"]
        return template[0].format(**said[0]), template[1].format(**said[1])
    if verdict == "agree":
        edges = [(_EXPLANATION["boundary"][n] if boundary else "") + (
            _EXPLANATION["periods_apart"][n] if periods_apart else "") for n in (0, 1)]
        template = _EXPLANATION["agree"]
        return template[0].format(edge=edges[0], **said[0]), template[1].format(edge=edges[1], **said[1])
    if note == "same_source":
        notes = [_EXPLANATION["same_source"][n].format(**said[n]) for n in (0, 1)]
    else:
        notes = list(_EXPLANATION["sources_differ"]) if source_a != source_b else ["", ""]
    code = note if note in ("before_after", "self_contradiction") else reason
    template = _EXPLANATION["differ"]
    return (template[0].format(reason=pair_reason(code, "zh"), source_note=notes[0], **said[0]),
            template[1].format(reason=pair_reason(code, "en"), source_note=notes[1], **said[1]))


def side_words(figure: dict, lang: str) -> str:
    """How one figure is stated: 網易號（000）报告约38%（2025年，据海关） / 網易號 (000) reports about 38% for 2025."""
    source = figure.get("source")
    return _stated(source if isinstance(source, str) else "", str(figure.get("file", "")),
                   figure.get("modality") or "", figure.get("qualifier") or "", str(figure["text"]),
                   figure.get("period") or "", figure.get("attributed_to") or "", lang)


def _stated(source: str, file: str, modality: str, qualifier: str, text: str, period: str, attributed: str,
            lang: str) -> str:
    """:func:`side_words` of one figure's fields (each figure is worded once: ``core.explanations._worded``)."""
    said = MODALITY.get(modality, MODALITY["reported"])
    qualified = QUALIFIER.get(qualifier, ("", ""))
    period = period_words(period, lang)
    if lang == "en":
        bits = [x for x in (period and f"for {period}", attributed and f"({attributed})") if x]
        return " ".join([_who(source, file, " ({})"), said[3], (qualified[1] + " " if qualified[1] else "") + text,
                         *bits])
    bits = [x for x in (period, attributed and f"据{attributed}") if x]
    extra = f"（{'，'.join(bits)}）" if bits else ""
    return f"{_who(source, file, '（{}）')}{said[2]}{qualified[0]}{text}{extra}"


_RELATIVE_YEAR = re.compile(r"^R(-?\d+)")
_RELATIVE_WORDS = {"zh": {0: "当年", -1: "上一年", -2: "前两年", 1: "下一年"},
                   "en": {0: "the year of the article", -1: "the year before", -2: "two years before",
                          1: "the year after"}}


def period_words(period: str, lang: str) -> str:
    """A period for a reader: a year relative to an undated article in words (R-1Q1 → 上一年Q1)."""
    match = _RELATIVE_YEAR.match(period or "")
    if not match:
        return period or ""
    offset = int(match.group(1))
    words = _RELATIVE_WORDS[lang].get(offset, f"{offset:+d}")
    rest = period[match.end():]
    return f"{words}{rest}" if lang == "zh" else f"{rest} of {words}".strip().removeprefix("of ")


def _who(source: str, file: str, brackets: str) -> str:
    """The source that states a figure, with its article in ``brackets``: 網易號（000）."""
    short = _short_name(file)
    return source + brackets.format(short) if source else short


@lru_cache(maxsize=65536)
def _short_name(file: str) -> str:
    """An article's short name: the number before ``_`` (000_239f….txt → 000), else the file's stem."""
    return file.split("_", 1)[0] if re.match(r"\d+_", file) else Path(file).stem
