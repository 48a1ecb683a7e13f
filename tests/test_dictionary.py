"""JMdict as the dictionary of English words the glossary lacks (assistant/dictionary.py)."""

from __future__ import annotations

import pytest

from assistant import dictionary
from assistant.dictionary import japanese_words, key


def test_keys_are_written_as_glosses_are() -> None:
    assert key("Countermeasures") == "countermeasure"
    assert key("first-aid") == "first aid"
    assert key("to place (something)") == "place"
    assert key("the special needs") == "special need"


@pytest.mark.skipif(not dictionary.available(), reason="jamdict-data is not installed")
def test_english_words_in_japanese() -> None:
    assert "浸水" in japanese_words("flood")
    assert "対策" in japanese_words("countermeasures")  # either number
    assert "配置" in japanese_words("deployment")
    assert "特別支援" in japanese_words("special-needs")  # hyphen or space
    assert japanese_words("xyzzy") == ()
    assert "改修" in japanese_words("repaired") and "支給" in japanese_words("granted")  # past forms: their verb
    # kanji or katakana words only: no kana verbs, no one-kanji words
    assert all(len(w) >= 2 for w in japanese_words("water"))


def test_the_table_is_kept_in_the_cache_folder_named(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SHEETQA_CACHE_DIR", str(tmp_path))
    source = tmp_path / "jamdict.db"
    source.write_bytes(b"x" * 10)
    assert dictionary._cache_file(source).parent == tmp_path / "sheetqa"


def test_plural_only_words_keep_their_s() -> None:
    assert key("means") == "means" and key("news") == "news"  # 手段 is "means", not "mean"
    assert key("city's") == "city"


@pytest.mark.skipif(not dictionary.available(), reason="jamdict-data is not installed")
def test_a_damaged_cache_is_built_again(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SHEETQA_CACHE_DIR", str(tmp_path))
    source = dictionary._source()
    assert source is not None
    cached = dictionary._cache_file(source)
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"\x1f\x8b truncated")
    dictionary._table.cache_clear()
    try:
        assert "対策" in dictionary._table()["countermeasure"]
        assert dictionary._table.__wrapped__()["countermeasure"]  # and the rebuilt file reads back
    finally:
        dictionary._table.cache_clear()


@pytest.mark.skipif(not dictionary.available(), reason="jamdict-data is not installed")
def test_a_city_is_spelled_in_any_of_its_readings() -> None:
    # 南原 is Nanbara to Sudachi, Minamihara in JMnedict too: an English question may write either
    from assistant.query import city_romaji

    assert "ミナミハラ" in dictionary.place_readings("南原")
    assert {"minamihara", "nanbara"} <= city_romaji(frozenset(["南原市"]))
    assert dictionary.place_readings("") == ()


@pytest.mark.skipif(not dictionary.available(), reason="jamdict-data is not installed")
def test_a_japanese_word_has_the_english_of_its_glosses() -> None:
    assert {"wildlife", "animal"} <= set(dictionary.english_of("鳥獣"))  # "birds and wild animals", "wildlife"
    assert "animal" in dictionary.english_of("動物愛護") and "animal welfare" in dictionary.english_of("動物愛護", words=False)
    assert "animal" not in dictionary.english_of("動物愛護", words=False)  # whole glosses only
    assert dictionary.known_word("愛護") and not dictionary.known_word("路")
