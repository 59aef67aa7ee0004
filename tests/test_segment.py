import logging
from pathlib import Path

import jieba
import pytest

from core.normalize import normalize
from core.segment import _USER_FREQ, cut, tag, user_words

SEEDS = Path(__file__).parents[1] / "seeds"

SENTENCES = [
    "美国商务部将中芯国际列入实体清单,并收紧对华出口管制。",
    "中国稀土永磁出口占全球九成,成熟制程芯片自给率持续提升。",
    "特朗普政府要求阿斯麦停止向中国出售EUV光刻机,英伟达H20芯片也被限制。",
    "所谓去风险和友岸外包,本质上是长臂管辖下的脱钩断链。",
]


@pytest.fixture(scope="module")
def reference():
    """Reference jieba with the same user dictionary and frequency as the fast segmenter."""
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    for word, pos in user_words():
        tokenizer.add_word(word, _USER_FREQ, pos)
    return tokenizer


def boundaries(tokens: list[str]) -> set[int]:
    ends, pos = set(), 0
    for token in tokens:
        pos += len(token)
        ends.add(pos)
    return ends


def test_user_words_include_domain_terms_and_entity_aliases():
    words = dict(user_words())
    assert words["实体清单"] == "n"
    assert words["中芯国际"] == "nt"
    assert words["SMIC"] == "nt"
    assert words["特朗普"] == "nr"


@pytest.mark.parametrize("sentence", SENTENCES)
def test_fast_segmenter_agrees_with_jieba(reference, sentence):
    assert cut(sentence) == reference.lcut(sentence)


def test_boundary_f1_over_seed_texts(reference):
    matched = fast_total = reference_total = 0
    for path in sorted(SEEDS.glob("*.txt")):
        text = normalize(path.read_text(encoding="utf-8")).text
        fast, ref = boundaries(cut(text)), boundaries(reference.lcut(text))
        matched += len(fast & ref)
        fast_total += len(fast)
        reference_total += len(ref)
    assert fast_total and reference_total
    precision, recall = matched / fast_total, matched / reference_total
    assert 2 * precision * recall / (precision + recall) >= 0.95


def test_segmentation_covers_the_text():
    text = normalize((SEEDS / "002_18b9bcbccee50c3c.txt").read_text(encoding="utf-8")).text
    assert "".join(cut(text)) == text


def test_tag_marks_dictionary_entities():
    tags = dict(tag("英伟达向中芯国际供货,特朗普宣布加征关税。"))
    assert tags["英伟达"] == "nt"
    assert tags["中芯国际"] == "nt"
    assert tags["特朗普"] == "nr"
    assert tags["加征关税"] == "v"
