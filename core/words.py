"""The words of core's own codes, for the command line and the CSVs it writes as for the dashboard.

Core returns codes with parameters (a link refused, a file not read); this module renders them in
Chinese or English. It lives in ``core/`` because ``python -m core`` prints them and core imports
nothing from the app layer (``ui/``); the dashboard's page words are ``ui/i18n.py``, which renders
these codes through this module.
"""

from __future__ import annotations

import re

# Why a file could not be loaded: the core says it in English (core/corpus.py, core/views.py); these
# patterns say it in Chinese. A reason no pattern matches is shown as it is.
REASONS_ZH: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(pattern), zh) for pattern, zh in (
    (r"empty file \(whitespace only\)", "空文件（只有空白）"),
    (r"empty file", "空文件"),
    (r"line (\d+): expected 'word \[frequency\] \[tag\]'", r"第 \1 行：应为「词 [词频] [词性]」"),
    (r"line (\d+): expected 'name<TAB>type<TAB>aliases'", r"第 \1 行：应为「名称<TAB>类型<TAB>别名」"),
    (r"line (\d+): unknown type '(.*)' \(one of (.*)\)", r"第 \1 行：未知类型 '\2'（应为 \3 之一）"),
    (r"not UTF-8 text", "不是 UTF-8 文本"),
    (r"larger than (\d+) KiB", r"超过 \1 KiB"),
    (r"no visible text in the HTML", "HTML 中没有可见文字"),
    (r"not text: looks binary \(NUL bytes\)", "不是文本：像是二进制文件（含 NUL 字节）"),
    (r"not text: looks binary \(control characters\)", "不是文本：像是二进制文件（含控制字符）"),
    (r"could not decode as UTF-8, UTF-16, GB18030 or Big5", "无法按 UTF-8、UTF-16、GB18030 或 Big5 解码"),
    (r"could not decode as (\S+) although the file starts with its byte-order mark",
     r"文件以 \1 字节顺序标记开头，却无法按 \1 解码"),
    (r"file too large \((.+) > (.+) limit\)", r"文件过大（\1，上限 \2）"),
    (r"(\d+) undecodable byte\(s\) replaced with U\+FFFD; the rest was read as (\S+)",
     r"\1 个无法解码的字节已替换为 U+FFFD；其余按 \2 读取"),
    (r"not a \.txt, \.md or \.html file", "不是 .txt、.md 或 .html 文件"),
    (r"no such file or folder", "没有这个文件或文件夹"),
    (r"could not read the file \((.*)\)", r"无法读取文件（\1）"),
    (r"listed in manifest\.csv but not found", "manifest.csv 列出了此文件，但找不到"),
    (r"manifest\.csv has no 'file' column", "manifest.csv 没有 file 列"),
    (r"(.+) is listed again on line (\d+); that row is ignored and the first one used",
     r"\1 在第 \2 行重复出现；该行已忽略，以第一次出现的为准"),
    (r"(.+): published value (.+) on line (\d+) is not a date; it is ignored",
     r"\1：第 \3 行的发布日期 \2 不是日期，已忽略"),
    (r"not added: this session's uploads are limited to (.+) in all; remove uploaded articles to add more",
     r"未加入：本次会话的上传总量上限为 \1；请先移除已上传的文章"),
    (r"not added: the same text is already in the corpus", "未加入：语料中已有相同的文本"),
    (r"a symbolic link leading outside the folder; not followed", "指向文件夹以外的符号链接，未跟随"),
    (r"a subfolder; its files are not read \(give it as a path of its own\)",
     "子文件夹，其中的文件未读取（请单独给出其路径）"),
    (r"not a regular file \(a pipe, socket or device\); not read", "不是普通文件（管道、套接字或设备），未读取"),
    (r"the folder could not be read \(no permission\); its files are skipped", "无权读取该文件夹，其中的文件已跳过"),
    (r"refused: extracting it took more than the (\S+) s of processor time an upload may use",
     r"已拒绝：提取所需处理器时间超过上传文件的上限 \1 秒"),
    (r"refused: extracting it needed more than the (\S+) MB of memory an upload may use",
     r"已拒绝：提取所需内存超过上传文件的上限 \1 MB"),
    (r"refused: its extraction stopped unexpectedly", "已拒绝：提取意外中止"),
    (r"figures capped: the first (\S+) kept, (\S+) more numbers not read \(at most (\S+) figures a sentence, "
     r"(\S+) an article\)", r"数字已截断：保留前 \1 个，另有 \2 个数字未读取（每句最多 \3 个，每篇最多 \4 个）"),
))


def reason(text: str, lang: str) -> str:
    """Why a file could not be loaded, in ``lang`` (``manifest ignored: …`` reasons nest)."""
    if lang != "zh":
        return text
    if text.startswith("manifest ignored: "):
        return "已忽略 manifest.csv：" + reason(text.removeprefix("manifest ignored: "), lang)
    for pattern, zh in REASONS_ZH:
        match = pattern.fullmatch(text)
        if match:
            return match.expand(zh)
    return text


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
    if code == "unreadable" and lang == "zh":
        params = {**params, "detail": reason(str(params.get("detail", "")), "zh")}
    try:
        return (en if lang == "en" else zh).format(**params)
    except (KeyError, IndexError):
        return en if lang == "en" else zh
