"""Word-cloud rendering and the CJK font lookup (ui/clouds.py)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from ui import clouds


def test_find_cjk_font_prefers_wqy_microhei(tmp_path):
    (tmp_path / "noto").mkdir()
    (tmp_path / "noto" / "NotoSansCJKsc-Regular.otf").write_bytes(b"font")
    (tmp_path / "wqy").mkdir()
    (tmp_path / "wqy" / "wqy-microhei.ttc").write_bytes(b"font")
    assert clouds.find_cjk_font([tmp_path]).name == "wqy-microhei.ttc"


def test_find_cjk_font_falls_back_to_noto_sc(tmp_path):
    (tmp_path / "NotoSansCJKsc-Regular.otf").write_bytes(b"font")
    assert clouds.find_cjk_font([tmp_path]).name == "NotoSansCJKsc-Regular.otf"


def test_find_cjk_font_names_the_package_to_install(tmp_path, monkeypatch):
    monkeypatch.delenv("DUIZHAO_FONT", raising=False)
    with pytest.raises(clouds.FontNotFoundError, match="fonts-wqy-microhei"):
        clouds.find_cjk_font([tmp_path, tmp_path / "missing"])


def test_duizhao_font_overrides_the_search(tmp_path, monkeypatch):
    font = tmp_path / "mine.ttf"
    font.write_bytes(b"font")
    monkeypatch.setenv("DUIZHAO_FONT", str(font))
    assert clouds.find_cjk_font([]) == font


def test_cloud_png_draws_chinese_terms():
    png = clouds.cloud_png({"芯片": 10, "自给率": 6, "关税": 3, "脱钩": 2}, width=300, height=200)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (300, 200)
    colors = image.convert("RGB").getcolors(maxcolors=300 * 200)
    assert any(rgb != (255, 255, 255) for _, rgb in colors)


def test_cloud_png_needs_a_positive_weight():
    with pytest.raises(ValueError):
        clouds.cloud_png({"芯片": 0, " ": 3})


def test_cloud_colors_are_dark_enough_to_read_on_white():
    import random

    color = clouds.dark_colors()
    rng = random.Random(0)
    for _ in range(500):
        rgb = tuple(int(c) for c in color("词", 20, (0, 0), None, random_state=rng)[4:-1].split(","))
        assert clouds.contrast_with_white(rgb) >= 3, rgb


def test_contrast_with_white_spans_one_to_twenty_one():
    assert clouds.contrast_with_white((255, 255, 255)) == pytest.approx(1)
    assert clouds.contrast_with_white((0, 0, 0)) == pytest.approx(21)


def test_cloud_png_leaves_out_emoji_and_carries_its_title():
    plain = Image.open(io.BytesIO(clouds.cloud_png({"芯片": 5, "稀土": 3}, width=400, height=200)))
    titled = Image.open(io.BytesIO(clouds.cloud_png({"芯片": 5, "稀土": 3, "😀": 9}, width=400, height=200,
                                                    title="来源特有词：甲")))
    assert titled.height > plain.height
    assert not clouds.drawable("😀") and not clouds.drawable("芯片👍") and clouds.drawable("芯片")
