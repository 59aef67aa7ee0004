"""Framing one very long sentence: ``python benchmarks/long_sentence.py [figures ...]``.

A page pasted without full stops is one "sentence" of thousands of figures. Each figure's frame reads its clause,
the clause before it and the subjects a few clauses back; this prints the CPU seconds ``article_frame_rows`` takes
for one comma-separated sentence of N figures, to see that the cost grows linearly. Printed, never asserted.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.figures import extract_figures  # noqa: E402
from core.frames import article_frame_rows  # noqa: E402


def main(counts: list[int]) -> None:
    for n in counts:
        text = "2024年，公司营收增长" + "，".join(f"某部门增长{k % 90 + 1}%" for k in range(n)) + "。"
        figures = [dataclasses.asdict(f) for f in extract_figures(text)]
        started = time.process_time()
        article_frame_rows(figures, text, [])
        print(f"{n} figures in one sentence: framed in {time.process_time() - started:.2f} s CPU", flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [500, 2000, 4000])
