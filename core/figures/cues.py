"""How a figure is put and what part it plays: the modality and role words, in one place.

Two readers use them. The figure description (:mod:`core.figures.description`) reads the
normalised clause before a number: cue words from ``core/data/figure_cues.tsv`` (预计 → projected,
目标 → target, 约 → estimate), a comparison opening the clause (较第一季的67.6%: a base), 从/由
before it (从25%提高到50%: where a change starts). The frame (:mod:`core.frames`) reads the same
clause with every number masked as ``#`` and decides the figure's final modality (adding ``rule``
for a threshold a rule sets, and a condition in the sentence) and its role (level, from, base, part).
"""

from __future__ import annotations

import re

from core.figures.vocabulary import _MODALITY, _alternation

# -- read by the figure description, on the normalised text

_MODALITY_RE = re.compile(_alternation(_MODALITY))
_COMPARISON_OPEN_RE = re.compile(r" ?(?:[并而但则也且])?(?:较之|相较于?|相比于?|较|比(?![重例率较如]))")
_NOT_FROM = frozenset({"由于", "理由", "自由", "从而", "从事", "从未", "从来", "从中", "从业"})
_TARGET_YEAR_RE = re.compile(r"到 ?\d{4} ?年.{0,12}?(?:实现|达到|要|将|力争)")
# 较去年, 比2024年: the comparison's base a date or figure right after it names.
_COMPARISON_BASE_RE = re.compile(r"(?:较|比|相比|相较|较之) ?\Z")


# -- read by the frame, on the masked clause

_FUTURE = re.compile(
    r"预计|预期|预估|预测|有望|可望|未来|将会|将要|将[^#，]{0,4}(?:达|至|到|超|突破|回|升|降|增|减|维持|生产|扩)"
    r"|势将|恐将|恐怕|恐(?:损失|减少|下降|下滑|造成|导致|使)|或(?:令|使(?!用)|导致|造成)"
)
_TARGET = re.compile(r"目标|力争|计划|规划")
# 其中2家, 包括两家: a part of a total just stated, never the total itself.
_PART_OF = re.compile(r"(?:其中|包括|包含|内含)[^，#]{0,3}$")
# 被列入清单的实体中，: a clause naming the counted whole a next clause's number is a part of (在谈判的过程中，
# names none).
_AMONG = re.compile(r"的[^，,的#]{0,6}(?:实体|企业|公司|厂商|机构|国家|地区|项目|产品|申请|许可|人员)(?:之|当)?中"
                    r"[,，]\s*$")
_OPENS_CLAUSE = re.compile(r"^[^，,#]{0,3}$")
# Between 从/由 or a comparison word and the number: a few words, a date among them (由去年#月宣布的§, 较#年全年的§).
_WORDS_OR_DATE = r"(?:[^，#]|#(?:年度?|月|日|季度?))"
# 由5月10日起暂停执行「50%规则」: 由…起 says when something starts, never a former level.
_FROM = re.compile(rf"(?<![理自])[从由](?![于事未来中业而])(?:(?!#(?:年度?|月|日|季度?)起){_WORDS_OR_DATE}){{0,8}}$")
# 较去年的, 比上年: a comparison base; the 比 of 占比/比例/比重 is no comparison, nor Taiwan's 类比 (analog).
# A change word between (比2023年增长§) makes the number the change, not the base.
_BASE = re.compile(rf"(?:较|相比|相较于?|对比|(?<![占对同环类])比(?![例重率]))"
                   rf"(?:(?![增降涨跌升减]|提高|下滑|上升|扩大|缩小){_WORDS_OR_DATE}){{0,8}}$")


# 禁止出口7纳米及以下芯片, 设置30%上限: a number a rule sets, not one anyone measured.
# 禁令或令美国损失最多§ is what a ban causes, not a number it sets.
_RULE_BEFORE = re.compile(r"(?:禁止|禁令|限制|管制)"
                          r"(?![^，#]*(?:(?:或|恐|将|可能|会)(?:令|使(?!用))|导致|造成|致使))[^，#]*$")
# 设置30%上限, 投资不少于50亿美元的企业可获豁免: the bound a rule sets, or what it exempts.
_RULE_AFTER = re.compile(r"^[^，#]{0,3}(?:上限|下限|门槛|红线)"
                         r"|^[^，#。]{0,8}的(?:企业|公司|业者|厂商|外企)[^，#。]{0,6}(?:获得?|申请)豁免")
# 如果抛开EUV光刻机，占比达到91%: a figure under a condition is no report of what happened.
_CONDITION = re.compile(r"如果|假如|假设|倘若|若是|如若|一旦|若(?!干)")
# 因出口限制认列55亿美元费用: a rule as the cause of a figure does not set it.
_CAUSE = re.compile(r"(?:(?<!基)因(?!此)|由于|鉴于|受[^，#]*影响)[^，#]*$")


def modality_of(stated: str, before: str, sentence_before: str = "", after: str = "") -> str:
    """``rule`` for a number a rule sets (a ban's threshold, a cap), ``projected``/``target`` when the words
    before the number say so (a condition in the sentence counts as projected), else the extractor's;
    an estimate is a report."""
    rule = _RULE_BEFORE.search(before)
    if rule and not _CAUSE.search(before, 0, rule.start()) or _RULE_AFTER.search(after):
        return "rule"
    if _TARGET.search(before):
        return "target"
    if _FUTURE.search(before) or _CONDITION.search(sentence_before):
        return "projected"
    return "reported" if stated in ("", "estimate") else stated


def role_of(before: str, previous: str = "") -> str:
    """``from`` for the former level of a change (从145%降至30%), ``base`` for a comparison base,
    ``part`` for a part of a total (其中2家; 列入清单的实体中，超过110家 with ``previous`` the clause before),
    else ``level``."""
    if _PART_OF.search(before) or _AMONG.search(previous) and _OPENS_CLAUSE.search(before):
        return "part"
    if _FROM.search(before):
        return "from"
    if _BASE.search(before):
        return "base"
    return "level"
