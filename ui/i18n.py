"""The dashboard's own words in Chinese and English; article text is never translated.

``t(key, lang)`` looks a string up; ``lang`` is ``"zh"`` or ``"en"``. A string with
``{name}`` fields is formatted with the keyword arguments. Add a key to
:data:`STRINGS` with both languages when a page needs a new label.
"""

from __future__ import annotations

from core import glosses, words

LANGUAGES = {"中文": "zh", "English": "en"}

STRINGS: dict[str, tuple[str, str]] = {
    # navigation and sidebar
    "app_title": ("对照 Duizhao", "对照 Duizhao"),
    "page_overview": ("总览", "Overview"),
    "page_compare": ("对照阅读", "Compare"),
    "page_figures": ("数字核对", "Figure check"),
    "page_clouds": ("词云", "Term clouds"),
    "language": ("界面语言", "Language"),
    "sources": ("来源", "Sources"),
    "sources_help": (
        "只看这些来源的文章；链接会记住选择。", "Only articles from these sources; the link keeps the choice.",
    ),
    "sources_placeholder": ("选择来源", "Choose sources"),
    "unknown_source": ("未知来源", "Unknown source"),
    "filters": ("筛选", "Filters"),
    "login_needed": ("请先登录再查看仪表板。", "Please sign in to see the dashboard."),
    "login": ("登录", "Sign in"),
    "logout": ("退出", "Sign out"),
    "extracting": ("正在抽取 {done}/{total} 篇文章…", "Extracting {done}/{total} articles…"),
    "no_articles": (
        "所选来源中没有文章。请在页面顶部的“来源”中选择至少一个来源。",
        "No articles in the selected sources. Pick at least one source under “Sources” at the top of the page.",
    ),
    "download_csv": ("下载 CSV", "Download CSV"),
    "download_png": ("下载 PNG", "Download PNG"),
    # overview
    "overview_title": ("总览：各篇文章说了什么", "Overview: what the articles say"),
    "overview_caption": (
        "同一事件（中美科技脱钩）的多篇中文报道，逐篇抽取数字、实体和关键词，并核对数字是否一致。",
        "Several Chinese-language articles on one story (US–China tech decoupling): figures, names and key terms "
        "per article, and a check of whether the figures agree.",
    ),
    "m_articles": ("文章", "Articles"),
    "m_sources": ("来源", "Sources"),
    "m_figures": ("数字", "Figures"),
    "m_groups": ("可比指标", "Claim groups"),
    "m_contradictions": ("矛盾", "Contradictions"),
    "m_explained": ("可解释的差异", "Explained differences"),
    "m_articles_help": ("所选来源中成功读取的文章数。", "Articles read from the selected sources."),
    "m_figures_help": ("文章中带单位或指标的数字（百分比、金额、数量…）。", "Quantities stated in the articles."),
    "m_groups_help": (
        "至少两个数字说的是同一指标、同一对象的组。",
        "Groups of two or more figures that measure the same thing.",
    ),
    "m_contradictions_help": (
        "数字不一致、且无法由时期或性质（实测/预测/目标）解释的组：需要核对。",
        "Groups whose figures differ with no period or modality (reported / projected / target) to explain it: "
        "worth checking.",
    ),
    "m_explained_help": (
        "数字不同，但时期或性质不同，可以解释差异的组。",
        "Groups whose figures differ, explained by a different period or modality.",
    ),
    "top_differences": ("最值得注意的分歧", "Differences worth a look"),
    "no_differences": ("所选文章的数字之间没有分歧。", "The figures in the selected articles do not disagree."),
    "open_check": ("查看证据", "See the evidence"),
    "corpus_table": ("文章列表", "Articles"),
    "corpus_caption": (
        "长度为正文字数；“重复”为合并掉的重复段落字数。",
        "Length is body characters; “duplicates” counts characters of repeated passages collapsed.",
    ),
    "problems": ("以下文件未能读取：", "These files could not be read:"),
    "load_notice": ("读取时的提示：", "Read with a note:"),
    "upload_title": ("添加文章（仅本次会话）", "Add articles (this session only)"),
    "upload_help": (
        "上传 .txt / .md / .html 文件；只保存在本次会话中，不写入语料库。",
        "Upload .txt / .md / .html files; they stay in this session and are never written to the corpus.",
    ),
    "upload_files": ("文章文件", "Article files"),
    "lexicon_title": ("我的词典", "My lexicon"),
    "lexicon_help": (
        "jieba 用户词典（.txt，每行：词 词频 词性）与别名表（.tsv，每行以 Tab 分隔：名称、类型、以 | 分隔的别名）"
        "只用于你上传的文章；基础语料对所有访客共享，保持不变。",
        "A jieba user dictionary (.txt, a line: word frequency tag) and an alias file (.tsv, a line split by tabs: "
        "name, type, aliases split by |) apply to the articles you upload only; the base corpus is shared by every "
        "visitor and stays unchanged.",
    ),
    "lexicon_userdict": ("用户词典（.txt）", "User dictionary (.txt)"),
    "lexicon_aliases": ("别名表（.tsv）", "Alias file (.tsv)"),
    "lexicon_button": ("使用词典", "Use lexicon"),
    "lexicon_in_use": ("正在使用：{files}", "In use: {files}"),
    "upload_source": ("来源名称（可选）", "Source name (optional)"),
    "upload_links": ("或按链接添加（每行一个网址）", "Or add by link (one web address a line)"),
    "links_over": ("每次最多读取 {n} 个链接，其余未读取", "at most {n} links are read at a time; the rest were not"),
    "upload_button": ("加入对照", "Add to the comparison"),
    "upload_added": ("已加入 {n} 篇文章。", "Added {n} article(s)."),
    "upload_bad": ("{file}：{reason}", "{file}: {reason}"),
    "upload_zip": ("下载上传的文章（zip）", "Download uploads (zip)"),
    "upload_zip_help": (
        "上传的原文件、manifest.csv 与从中提取的各表（CSV），会话结束前可随时下载。",
        "The files as uploaded, a manifest.csv and the tables extracted from them (CSV), until the session ends.",
    ),
    "upload_clear": ("移除上传的文章", "Remove uploaded articles"),
    "uploaded_count": ("本次会话已上传 {n} 篇。", "{n} uploaded article(s) in this session."),
    # compare
    "compare_title": ("对照阅读", "Compare articles"),
    "compare_caption": (
        "选 2–4 篇文章并排阅读：● 表示所选文章中至少两篇都提到。",
        "Pick 2–4 articles to read side by side: ● marks what at least two of them mention.",
    ),
    "pick_articles": ("文章（2–4 篇）", "Articles (2–4)"),
    "articles_placeholder": ("选择 2–4 篇文章", "Choose 2–4 articles"),
    "shared_more": ("● 所选文章中至少两篇都有；括号内为也提到它的文章。", "● at least two chosen articles have it; "
                    "in brackets, the other articles that do."),
    "pick_two": ("请在上方选择至少两篇文章。", "Pick at least two articles above."),
    "shared_measures": ("共同的指标", "Measures they share"),
    "shared_measures_caption": (
        "至少两篇所选文章都给出了数字的指标，按是否一致标记。",
        "Measures that at least two of the chosen articles quantify, marked by whether they agree.",
    ),
    "no_shared_measures": ("所选文章没有给出同一指标的数字。", "The chosen articles quantify no measure in common."),
    "overlap": ("重合程度", "Overlap"),
    "pair": ("文章对", "Pair"),
    "shared_entities": ("共同实体", "Shared entities"),
    "shared_terms": ("共同关键词", "Shared key terms"),
    "key_terms": ("关键词", "Key terms"),
    "entities": ("实体", "Entities"),
    "figures": ("数字", "Figures"),
    "no_figures": ("没有抽取到数字。", "No figures found."),
    "article_text": ("原文（数字已标出）", "Text as written (figures marked)"),
    "meta_source": ("来源", "Source"),
    "meta_author": ("作者", "Author"),
    "meta_date": ("日期", "Date"),
    "meta_script": ("字体", "Script"),
    "meta_length": ("正文字数", "Body characters"),
    "unknown": ("未知", "unknown"),
    # figure check
    "figures_title": ("数字核对", "Figure check"),
    "figures_caption": (
        "说同一指标的数字放在一起比较：先列不同来源之间的差异（真正矛盾在前），再列同一来源、同一篇文章内的差异；"
        "同一句中的前后变化标为变化，不算分歧。",
        "Figures on the same measure side by side: differences between sources first (real contradictions "
        "first), then those within one source or one article; a before/after in one sentence is marked as a "
        "change, not a disagreement.",
    ),
    "status_filter": ("结论", "Verdict"),
    "measure_filter": ("指标", "Measure"),
    "measure_placeholder": ("全部指标", "All measures"),
    "group_page": ("页", "Page"),
    "group_page_of": ("第 {page} / {pages} 页", "{page} of {pages}"),
    "rows_shown": ("显示前 {shown} 行，共 {total} 行；下载包含全部。", "Showing the first {shown} of {total} rows; "
                   "the downloads hold them all."),
    "groups_shown": ("共 {n} 组，每页 {size} 组。", "{n} groups, {size} per page."),
    "no_groups": (
        "所选文章中没有可以互相比较的数字。",
        "No figures in the selected articles can be compared with each other.",
    ),
    "no_groups_filtered": ("没有符合筛选条件的组。", "No group matches the filters."),
    "why": ("原因", "Why"),
    "evidence": ("证据句", "Evidence"),
    "context": ("未带数字的相关提及", "Mentions without a figure"),
    "comparisons": ("逐对比较", "Pairwise comparisons"),
    "download_claims": ("下载 claims.csv", "Download claims.csv"),
    "download_comparisons": ("下载 comparisons.csv", "Download comparisons.csv"),
    "all_claims": ("全部数字（筛选后）", "All claims (filtered)"),
    "all_claims_caption": (
        "claims.csv 与 comparisons.csv 是完整的导出格式（与命令行相同）；“下载 CSV”只含上表。",
        "claims.csv and comparisons.csv are the full export formats (as the command line writes them); "
        "“Download CSV” holds the table above.",
    ),
    "value": ("数值", "Value"),
    "source": ("来源", "Source"),
    "period": ("时期", "Period"),
    "modality": ("性质", "Modality"),
    # term clouds
    "clouds_title": ("词云", "Term clouds"),
    "clouds_caption": (
        "字越大，该词在所选范围内出现越多；右侧柱状图给出准确数值。",
        "The bigger the word, the more often it appears in the chosen scope; the bars give the exact numbers.",
    ),
    "scope": ("范围", "Scope"),
    "scope_corpus": ("全部所选文章", "All selected articles"),
    "scope_source": ("一个来源", "One source"),
    "scope_article": ("一篇文章", "One article"),
    "scope_contrast": ("来源特有词", "Distinctive to a source"),
    "pick_source": ("来源", "Source"),
    "pick_article": ("文章", "Article"),
    "top_n": ("词数", "Words"),
    "contrast_needs_two": ("需要至少两个来源才能比较。", "Contrasting needs at least two sources."),
    "no_terms": ("所选范围内没有足够的词。", "Not enough words in this scope."),
    "count": ("次数", "Count"),
    "zscore": ("z 值", "z-score"),
    "term": ("词", "Term"),
    "word_list": ("词表 · Word list", "Word list"),
    "font_missing": ("找不到中文字体，无法绘制词云：{error}", "No Chinese font, so no word cloud: {error}"),
}

STATUS = {
    "contradiction": ("矛盾", "Contradiction"),
    "explained": ("有差异（可解释）", "Differs (explained)"),
    "agree": ("一致", "Agree"),
}
STATUS_COLOR = {"contradiction": "red", "explained": "orange", "agree": "green"}
VERDICT = {"agree": ("一致", "agree"), "differ": ("不同", "differ")}
# Core's codes keep their words in core/words.py (one table each); the pages read them as (中文, English) pairs.
MODALITY = {code: (zh, en) for code, (zh, en, _, _) in words.MODALITY.items()}
QUALIFIER = words.QUALIFIER
SCRIPT = {"simplified": ("简体", "Simplified"), "traditional": ("繁体", "Traditional"), "mixed": ("混合", "Mixed")}

COLUMNS: dict[str, tuple[str, str]] = {
    "title": ("标题", "Title"),
    "source": ("来源", "Source"),
    "author": ("作者", "Author"),
    "published": ("日期", "Date"),
    "script": ("字体", "Script"),
    "body_chars": ("正文字数", "Length"),
    "figures": ("数字", "Figures"),
    "entities": ("实体", "Entities"),
    "collapsed_chars": ("重复（字）", "Duplicates (chars)"),
    "file": ("文件", "File"),
    "figure": ("数字", "Figure"),
    "value_high": ("上限", "Upper value"),
    "text": ("原文数字", "Figure as written"),
    "value": ("数值", "Value"),
    "unit": ("单位", "Unit"),
    "qualifier": ("限定", "Qualifier"),
    "period": ("时期", "Period"),
    "modality": ("性质", "Modality"),
    "attributed_to": ("出处", "Attributed to"),
    "sentence": ("原句", "Sentence"),
    "metric": ("指标", "Measure"),
    "subject": ("对象", "Subject"),
    "group_id": ("组", "Group"),
    "status": ("结论", "Verdict"),
    "verdict": ("结论", "Verdict"),
    "explanation": ("说明", "Explanation"),
    "term": ("词", "Term"),
    "count": ("次数", "Count"),
    "entity": ("实体", "Entity"),
    "surface_forms": ("写法", "Surface forms"),
    "articles": ("文章数", "Articles"),
    "type": ("类型", "Type"),
}


def t(key: str, lang: str, **fields: object) -> str:
    """The UI string ``key`` in ``lang`` (``zh`` or ``en``), formatted with ``fields``."""
    zh, en = STRINGS[key]
    text = en if lang == "en" else zh
    return text.format(**fields) if fields else text


def label(table: dict[str, tuple[str, str]], code: str, lang: str) -> str:
    """A code's label from one of the tables above (STATUS, MODALITY …); the code itself when unknown."""
    pair = table.get(code)
    if pair is None:
        return code
    return pair[1] if lang == "en" else pair[0]


def column_labels(columns: list[str], lang: str) -> dict[str, str]:
    """Display names for table columns in ``lang``."""
    return {c: label(COLUMNS, c, lang) for c in columns}


# --- dashboard words added for the disagreement-first overview, reading view and analyst tools ----------------

STRINGS.update({
    "section_disagreements": ("各来源之间的分歧", "Where the sources disagree"),
    "section_disagreements_caption": (
        "不同来源就同一指标给出不同的数字。先看原因，再看原句。",
        "Different sources give different figures for the same measure. The reason first, then the sentences.",
    ),
    "section_within": ("同一来源或同一篇文章前后不一", "A source or an article at odds with itself"),
    "section_changes": ("同一句中的前后变化（不是分歧）", "Changes stated in one sentence (not disagreements)"),
    "no_disagreements": ("所选来源之间没有数字分歧。", "The selected sources do not disagree on any figure."),
    "how_to_read": ("怎么读这些卡片", "How to read these cards"),
    "how_to_read_text": (
        "每个点是一篇文章给出的一个数字，一行一个来源（时期不同时注明时期）。"
        "● 实测　◆ 预测　■ 目标　✚ 估算。箭头 → 表示“超/至少”：实际数值可能更大；← 表示“不到/至多”。"
        "原因一栏：**预测 vs 实测**、**时期不同** 可以解释差异；"
        "**真正矛盾** 是同一时期、同一性质的数字不一致，需要核对。"
        "原句中标亮的是该数字。",
        "Each dot is one figure one article gives, one row per source (with its period when periods differ). "
        "● reported　◆ projected　■ target　✚ estimate. An arrow → means “over / at least”: the value may be "
        "larger; ← means “under / at most”. The reason: **projected vs reported** and **different periods** "
        "explain a difference; **a real contradiction** is figures of the same period and kind that do not "
        "match — worth checking. The figure is highlighted in its sentence.",
    ),
    "kind_cross_source": ("不同来源", "Different sources"),
    "kind_one_source": ("同一来源的几篇文章", "Several articles of one source"),
    "kind_self_contradiction": ("同一篇文章自相矛盾", "One article contradicts itself"),
    "kind_before_after": ("同一句中的前后变化", "A before/after in one sentence"),
    "attributed": ("出处", "according to"),
    "read_article": ("阅读原文", "Read the article"),
    "reading_title": ("阅读原文", "Read an article"),
    "reading_caption": (
        "文章原文，数字已标出；从卡片点进来时，该数字以红色标出，正文从它所在的段落开始（前文可展开）。",
        "The article as written with its figures marked; coming from a card, that figure is marked in red "
        "and the text opens at its paragraph (earlier ones fold out).",
    ),
    "reading_pick": ("文章", "Article"),
    "reading_figure": ("所指的数字：{figure}", "The figure you came for: {figure}"),
    "page_reading": ("阅读原文", "Read"),
    "page_search": ("检索", "Search"),
    "search_title": ("检索：关键词在上下文中", "Search: keywords in context"),
    "search_caption": (
        "在所选文章中查找一个词或一个实体（含其各种写法），逐句列出上下文。",
        "Find a term or an entity (with every way it is written) in the selected articles, "
        "sentence by sentence.",
    ),
    "search_query": ("检索词或实体", "Term or entity"),
    "search_hits": ("{n} 处，出现在 {articles} 篇文章中。", "{n} hits in {articles} article(s)."),
    "search_none": ("所选文章中没有找到。", "Not found in the selected articles."),
    "search_forms": ("同时检索这些写法：{forms}", "Also searching the forms: {forms}"),
    "entity_table": ("实体一览", "Entities across the corpus"),
    "entity_table_caption": (
        "所选文章提到的人物、机构和地点：统一名称、各种写法（繁简、别名）及出现的文章数。",
        "People, organisations and places the selected articles name: one canonical name, every way it is "
        "written (Traditional, Simplified, aliases) and how many articles name it.",
    ),
    "timeline": ("时间线：一个指标各时期的数字", "Timeline: a measure's figures by period"),
    "timeline_caption": (
        "所选指标带有时期的数字，按时期排列。",
        "The selected measure's figures that state a period, in order of period.",
    ),
    "timeline_none": ("该指标的数字都没有时期。", "None of this measure's figures states a period."),
    "contrast_caption_cloud": (
        "字越大，该词越是此来源特有（与其余来源相比的对数几率 z 值）。",
        "The bigger the word, the more distinctive it is of this source (log-odds z-score against the others).",
    ),
    "uploads_named": ("不填则以文件名为来源", "Left empty, each file's name is its source"),
})

def measure_label(metric: str, lang: str) -> str:
    """A measure's name in ``lang``: 半导体自给率 → semiconductors self-sufficiency rate (glossed part by part by
    :func:`core.glosses.phrase_gloss`; unglossed parts in brackets)."""
    return glosses.phrase_gloss(metric) if lang == "en" and metric else metric


def entity_label(name: str, lang: str) -> str:
    """A name in ``lang``: in English its Latin form (中国 → China, :func:`core.glosses.entity_gloss`), else as
    written when it is Latin already, else the Chinese in brackets."""
    if lang != "en" or not name:
        return name
    return glosses.entity_gloss(name) or (name if name.isascii() else f"[{name}]")


def kind_label(kind: str, lang: str) -> str:
    """What kind of difference a group is (core.verdicts.GROUP_KINDS) in ``lang``."""
    return t(f"kind_{kind}", lang)

STRINGS.update({
    "all_sources": ("全部", "all"),
    "some_sources": ("{n}/{total}", "{n} of {total}"),
})

STRINGS.update({
    "overview_counts": ("语料概况", "The corpus in numbers"),
})

STRINGS.update({
    "figures_n": ("{n} 个数字", "{n} figures"),
    "corpus_table_full": ("全部文章（表格与 CSV）", "All articles (table and CSV)"),
})

STRINGS.update({
    "details": ("全部原句与逐对比较", "Every sentence and pairwise comparison"),
})


STRINGS.update({
    "search_these": ("点一个词，在所选文章中检索它", "Pick a word to search the selected articles for it"),
})

ENTITY_TYPE = {"person": ("人物", "person"), "org": ("机构", "organisation"), "place": ("地点", "place"),
               "product": ("产品", "product"), "media": ("媒体", "media")}

STRINGS.update({
    "select_all": ("全选", "Select all"),
})

STRINGS.update({
    "reading_before": ("前文（点开阅读）", "Earlier paragraphs (open to read)"),
})
