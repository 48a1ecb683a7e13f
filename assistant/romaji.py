"""Katakana readings as plain romaji, to meet names an English question spells out
(「Kikuta」 → 喜久田 キクタ, 「Tsutsumishita」 → 堤下 ツツミシタ). Long vowels are folded on both
sides (コオリヤマ and Koriyama are both ``koriyama``)."""

from __future__ import annotations

import re

_DIGRAPHS = {
    "キャ": "kya", "キュ": "kyu", "キョ": "kyo", "シャ": "sha", "シュ": "shu", "ショ": "sho", "チャ": "cha",
    "チュ": "chu", "チョ": "cho", "ニャ": "nya", "ニュ": "nyu", "ニョ": "nyo", "ヒャ": "hya", "ヒュ": "hyu",
    "ヒョ": "hyo", "ミャ": "mya", "ミュ": "myu", "ミョ": "myo", "リャ": "rya", "リュ": "ryu", "リョ": "ryo",
    "ギャ": "gya", "ギュ": "gyu", "ギョ": "gyo", "ジャ": "ja", "ジュ": "ju", "ジョ": "jo", "ビャ": "bya",
    "ビュ": "byu", "ビョ": "byo", "ピャ": "pya", "ピュ": "pyu", "ピョ": "pyo", "ティ": "ti", "ディ": "di",
    "ファ": "fa", "フィ": "fi", "フェ": "fe", "フォ": "fo", "ウィ": "wi", "ウェ": "we", "ウォ": "wo", "ヴァ": "va",
    "シェ": "she", "ジェ": "je", "チェ": "che",
}
_MONO = dict(zip(
    "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン"
    "ガギグゲゴザジズゼゾダヂヅデドバビブベボパピプペポヴ",
    ["a", "i", "u", "e", "o", "ka", "ki", "ku", "ke", "ko", "sa", "shi", "su", "se", "so", "ta", "chi", "tsu",
     "te", "to", "na", "ni", "nu", "ne", "no", "ha", "hi", "fu", "he", "ho", "ma", "mi", "mu", "me", "mo", "ya",
     "yu", "yo", "ra", "ri", "ru", "re", "ro", "wa", "o", "n", "ga", "gi", "gu", "ge", "go", "za", "ji", "zu",
     "ze", "zo", "da", "ji", "zu", "de", "do", "ba", "bi", "bu", "be", "bo", "pa", "pi", "pu", "pe", "po", "vu"],
    strict=True,
))
_SMALL = {"ァ": "a", "ィ": "i", "ゥ": "u", "ェ": "e", "ォ": "o"}


def katakana_to_romaji(kana: str) -> str:
    out: list[str] = []
    i = 0
    double = False
    while i < len(kana):
        pair = kana[i:i + 2]
        if pair in _DIGRAPHS:
            syl, i = _DIGRAPHS[pair], i + 2
        elif kana[i] == "ッ":
            double, i = True, i + 1
            continue
        elif kana[i] == "ー":
            syl, i = (out[-1][-1] if out else ""), i + 1
        elif kana[i] in _MONO:
            syl, i = _MONO[kana[i]], i + 1
        elif kana[i] in _SMALL:
            syl, i = _SMALL[kana[i]], i + 1
        else:
            syl, i = "", i + 1
        if double and syl:
            syl = ("t" if syl.startswith("ch") else syl[0]) + syl
        double = False
        out.append(syl)
    return fold("".join(out))


def fold(romaji: str) -> str:
    """Long vowels and spelling variants folded: kooriyama, kōriyama, koriyama → koriyama."""
    r = romaji.lower()
    r = r.translate(str.maketrans("āīūēō", "aiueo"))
    r = re.sub(r"ou|oo|oh(?![aiueo])", "o", r)
    r = re.sub(r"uu", "u", r)
    r = re.sub(r"n(?=[bmp])", "n", r).replace("m(?=[bmp])", "n")
    return re.sub(r"[^a-z]", "", r)
