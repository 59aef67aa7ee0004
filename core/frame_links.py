"""Figures of one article that point at each other: a ratio named again (该比例), a comparison base, a measure
restated without its subject, a sentence without a period. Each takes what it needs from the figure it points at.

In: an article's frames in text order (``core.frames.Frame``). Out: the same frames, linked.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from core.measures import lexicon_measure, lexicon_scopes

if TYPE_CHECKING:
    from core.frames import Frame

# A clause that only points back at figures named before it.
ANAPHOR = re.compile(r"(?:这|该|此|上述|前述)(?:一|两|二|三|几)?(?:个|项|组)?"
                     r"(?:比例|比率|比重|数字|数据|份额|占比|指标)")


def _carry_periods(frames: list[Frame]) -> list[Frame]:
    """A sentence that names no period speaks of the one the sentence before it named (今年一季度…。如果…达到91%。)."""
    out = list(frames)
    for i, frame in enumerate(frames):
        if frame.period or i == 0:
            continue
        previous = out[i - 1]
        if previous.period and previous.sentence_index == frame.sentence_index - 1 \
                and previous.dimension == frame.dimension:
            out[i] = frame._replace(period=previous.period)
    return out


def _resolve_bases(frames: list[Frame]) -> list[Frame]:
    """较前一年的16%: a comparison base measures what the figure before it in its sentence measures."""
    out = list(frames)
    for i, frame in enumerate(frames):
        if frame.role != "base":
            continue
        before = [j for j in range(i) if frames[j].sentence_index == frame.sentence_index
                  and frames[j].dimension == frame.dimension and frames[j].role != "base"]
        if before:
            target = frames[before[-1]]
            out[i] = frame._replace(measure=f"{frame.measure} {target.measure}",
                             context=f"{frame.context} {target.context}", entities=frame.entities or target.entities,
                             direction=frame.direction or target.direction, change=frame.change or target.change)
    return out


def _resolve_anaphora(frames: list[Frame]) -> list[Frame]:
    """这两个比例分别只有8%和17%: each figure takes the entities and words of the one it points back at."""
    out = list(frames)
    for i, frame in enumerate(frames):
        if frame.entities or not ANAPHOR.search(frame.context):
            continue
        # What it points at is a level stated before it (a change, 恒指升§, is no 比例).
        alike = [j for j, f in enumerate(frames) if f.dimension == frame.dimension and f.change == frame.change
                 and f.role == "level"]
        if "分别" in frame.context:
            # 这两个比例分别…: the sentence points at as many figures stated before it as it states itself.
            mine = [j for j in alike if frames[j].sentence_index == frame.sentence_index]
            earlier = [j for j in alike if frames[j].sentence_index < frame.sentence_index][-len(mine):] if mine else []
            k = mine.index(i) if i in mine else 0
        else:
            # 佔總收入13%；而在2022財年，該比例一度高達26%: the last such figure before it, in its sentence or before.
            earlier = [j for j in alike if j < i and not ANAPHOR.search(frames[j].context)][-1:]
            k = 0
        if not earlier:
            continue
        target = frames[earlier[min(k, len(earlier) - 1)]]
        out[i] = frame._replace(
            measure=f"{frame.measure} {target.measure}", context=f"{frame.context} {target.context}",
            entities=target.entities, modality=target.modality if frame.modality == "reported" else frame.modality,
            sentence_entities=tuple(dict.fromkeys(frame.sentence_entities + target.sentence_entities)),
            attribution=frame.attribution or target.attribution, direction=frame.direction or target.direction,
        )
    return out


# How many sentences back a measure restated without its subject looks for the figure it continues.
_RESTATED_REACH = 2


# A clause naming its own area (全球出口量约为5000吨) speaks of no one subject of the sentence before.
_OWN_AREA = re.compile("全球|世界|海外|境外|国际|各国|全行业")


def _resolve_restated(frames: list[Frame]) -> list[Frame]:
    """5月我国稀土永磁体出口量为3120吨。4月出口量为2350吨。: a figure whose sentence names no subject, whose clause
    names no area of its own (全球) and names the measure a figure of the sentence before it (or the one before that)
    states with its subjects, in the same dimension, change and role, measures the same thing: it takes that figure's
    subjects and the scopes of its clause."""
    out = list(frames)
    for i, frame in enumerate(frames):
        named = frame.entities or frame.sentence_entities or _OWN_AREA.search(frame.context)
        measure = "" if named else lexicon_measure(frame.measure)
        if not measure:
            continue
        for j in range(i - 1, -1, -1):
            target = out[j]  # a month restated after a restated month keeps the subject
            if target.sentence_index < frame.sentence_index - _RESTATED_REACH:
                break
            if target.sentence_index < frame.sentence_index and target.entities \
                    and (target.dimension, target.change, target.role) == (frame.dimension, frame.change, frame.role) \
                    and lexicon_measure(target.measure) == measure:
                scopes = " ".join(sorted(lexicon_scopes(target.context) - lexicon_scopes(frame.context)))
                out[i] = frame._replace(entities=target.entities, context=f"{scopes} {frame.context}".lstrip(),
                                        sentence_entities=tuple(dict.fromkeys(frame.sentence_entities
                                                                              + target.entities)))
                break
    return out


def linked(frames: list[Frame]) -> list[Frame]:
    """The frames of one article with each link resolved, in this order: ratios named again, measures restated,
    comparison bases, periods carried."""
    return _carry_periods(_resolve_bases(_resolve_restated(_resolve_anaphora(frames))))
