"""Both languages' catalogues stay complete, sorted and consistent, and `t` speaks the visitor's language."""

import json

import pytest

from playground import i18n


def test_both_languages_have_the_same_keys():
    english, chinese = i18n.catalogue("en"), i18n.catalogue("zh-CN")
    assert sorted(set(english) - set(chinese)) == [], "keys missing in zh-CN.json"
    assert sorted(set(chinese) - set(english)) == [], "keys missing in en.json"


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_catalogue_is_sorted_and_nonempty(lang):
    text = (i18n.LOCALES / f"{lang}.json").read_text(encoding="utf-8")
    words = json.loads(text)
    assert list(words) == sorted(words), f"{lang}.json keys are not sorted (parallel edits merge only when sorted)"
    assert [k for k, v in words.items() if not str(v).strip()] == []


def test_placeholders_match_between_languages():
    english, chinese = i18n.catalogue("en"), i18n.catalogue("zh-CN")
    differing = [k for k in english if i18n.placeholders(english[k]) != i18n.placeholders(chinese.get(k, ""))]
    assert differing == []


@pytest.mark.parametrize("tag, expected", [("zh-CN", "zh-CN"), ("zh", "zh-CN"), ("zh-TW", "zh-CN"),
                                           ("zh_CN.UTF-8", "zh-CN"), ("en-GB", "en"), ("fr", "en"), ("", "en"),
                                           (None, "en")])
def test_normalise(tag, expected):
    assert i18n.normalise(tag) == expected


def test_accept_language_honours_quality():
    assert i18n.from_accept_language("en-US,en;q=0.9,zh-CN;q=0.8") == "en"
    assert i18n.from_accept_language("fr;q=0.5, zh-TW;q=0.9") == "zh-CN"
    assert i18n.from_accept_language("") == "en"
    assert i18n.from_accept_language("garbage;q=x") == "en"


def test_t_follows_the_current_language():
    assert i18n.t("app.title") == i18n.catalogue("en")["app.title"]
    with i18n.speaking("zh"):
        assert i18n.t("app.title") == i18n.catalogue("zh-CN")["app.title"]
        assert i18n.t("app.title", lang="en") == i18n.catalogue("en")["app.title"]
    assert i18n.current() == "en"


def test_unknown_key_is_a_bug():
    with pytest.raises(KeyError):
        i18n.t("no.such.key")
    with pytest.raises(KeyError):
        i18n.ui("no.such.key")


def test_an_empty_charts_message_fits_a_phone_line_by_line():
    """A chart's placeholder is a plotly annotation, which never wraps: at phone width (about 19 Chinese
    characters of 14 px) a longer line is cut off at the chart's edge, so long messages carry their own <br>."""
    import re
    import unicodedata
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "playground"
    keys = {key for path in root.rglob("*.py")
            for key in re.findall(r"empty\(i18n\.t\(\"([^\"]+)\"", path.read_text(encoding="utf-8"))}
    assert len(keys) > 10

    def width(line: str) -> float:  # in Chinese characters: a full-width one is 1, anything else about half
        return sum(1 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in line)

    too_long = []
    for lang in i18n.LANGUAGES:
        for key in sorted(keys):
            text = i18n.catalogue(lang)[key]
            text = text.format(**{name: "10" for name in i18n.placeholders(text)})
            too_long += [(lang, key, line) for line in text.split("<br>") if width(line) > 20]
    assert too_long == []
