"""CTranslate2 -> openai-whisper conversion.

The reader is checked against CTranslate2's own writer (a small random Whisper
built with ctranslate2.specs, saved in each storage type), the mapping against
CTranslate2's own encoder on the same weights, and the real tiny.en model
against CTranslate2's greedy decoding of real speech.
"""

from __future__ import annotations

import importlib
import json
import os
import struct
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.core.errors import PMCError
from assistant.core.speech.convert import (
    CHECKPOINT_NAME,
    checkpoint_path,
    convert_ct2_to_openai,
    ct2_to_openai_state,
    dims_from_ct2,
    read_ct2,
    read_ct2_header,
)

# ../shared beside the checkout, else the copy the conftest also looks at.
SHARED = next((p for p in (Path(__file__).resolve().parents[2].parent / "shared",
                           Path("/work/shared")) if (p / "data").is_dir()),
              Path(__file__).resolve().parents[2].parent / "shared")
JFK = SHARED / "data" / "speech" / "jfk.flac"

# A Whisper small enough to build in milliseconds; MLP width is 4 x D as in Whisper.
D, HEADS, MELS, AUDIO_CTX, VOCAB, TEXT_CTX = 8, 2, 4, 6, 12, 5


def need(module: str) -> Any:
    """Import an optional dependency; a missing one fails under CI instead of skipping."""
    try:
        return importlib.import_module(module)
    except ImportError:
        msg = f"{module} is not installed (the openai-whisper extra; `make venv`)"
        if os.environ.get("CI"):
            pytest.fail(msg, pytrace=False)
        pytest.skip(msg)


def _shapes() -> dict[str, tuple[int, ...]]:
    s: dict[str, tuple[int, ...]] = {
        "encoder/conv1/weight": (D, MELS, 3), "encoder/conv1/bias": (D,),
        "encoder/conv2/weight": (D, D, 3), "encoder/conv2/bias": (D,),
        "encoder/position_encodings/encodings": (AUDIO_CTX, D),
        "decoder/embeddings/weight": (VOCAB, D),
        "decoder/position_encodings/encodings": (TEXT_CTX, D),
    }

    def ln(p: str) -> None:
        s[p + "/gamma"] = (D,)
        s[p + "/beta"] = (D,)

    def lin(p: str, out: int, inp: int) -> None:
        s[p + "/weight"] = (out, inp)
        s[p + "/bias"] = (out,)

    ln("encoder/layer_norm")
    ln("decoder/layer_norm")
    for side in ("encoder", "decoder"):
        for i in range(2):
            p = f"{side}/layer_{i}"
            lin(p + "/self_attention/linear_0", 3 * D, D)
            lin(p + "/self_attention/linear_1", D, D)
            ln(p + "/self_attention/layer_norm")
            lin(p + "/ffn/linear_0", 4 * D, D)
            lin(p + "/ffn/linear_1", D, 4 * D)
            ln(p + "/ffn/layer_norm")
            if side == "decoder":
                lin(p + "/attention/linear_0", D, D)
                lin(p + "/attention/linear_1", 2 * D, D)
                lin(p + "/attention/linear_2", D, D)
                ln(p + "/attention/layer_norm")
    return s


def _set(spec: Any, name: str, value: np.ndarray) -> None:
    obj = spec
    parts = name.split("/")
    for part in parts[:-1]:
        base, _, idx = part.rpartition("_")
        obj = getattr(obj, base)[int(idx)] if idx.isdigit() and hasattr(obj, base) \
            else getattr(obj, part)
    setattr(obj, parts[-1], value)


def build_ct2_whisper(out_dir: Path, quantization: str | None) -> dict[str, np.ndarray]:
    """Save a random 2+2-layer Whisper with CTranslate2's own writer; return the weights."""
    whisper_spec = need("ctranslate2.specs.whisper_spec")
    rng = np.random.default_rng(7)
    spec = whisper_spec.WhisperSpec(2, HEADS, 2, HEADS)
    values = {}
    for name, shape in _shapes().items():
        values[name] = rng.standard_normal(shape).astype(np.float32)
        _set(spec, name, values[name].copy())  # optimize() quantises the spec's arrays in place
    # Whisper ties the output projection to the token embedding; CT2 stores an alias.
    spec.decoder.projection.weight = values["decoder/embeddings/weight"].copy()
    spec.register_vocabulary([f"tok{i}" for i in range(VOCAB)])
    spec.config.alignment_heads = [[1, 0], [1, 1]]
    spec.validate()
    spec.optimize(quantization=quantization)
    out_dir.mkdir(parents=True, exist_ok=True)
    spec.save(str(out_dir))
    return values


# (quantization, relative tolerance of a weight after the round trip)
STORAGE = [("float32", 0.0), ("float16", 1e-3), ("bfloat16", 8e-3), ("int8", None)]


@pytest.mark.parametrize(("quantization", "rtol"), STORAGE)
def test_reader_reads_what_ctranslate2_writes(tmp_path: Path, quantization: str,
                                              rtol: float | None) -> None:
    values = build_ct2_whisper(tmp_path, quantization)
    assert read_ct2_header(tmp_path)[1] == "WhisperSpec"
    variables = read_ct2(tmp_path)
    assert int(variables["encoder/num_heads"]) == HEADS
    assert variables["decoder/projection/weight"] is variables["decoder/embeddings/weight"]
    state = ct2_to_openai_state(variables)
    assert all(a.dtype == np.float32 and a.flags.c_contiguous for a in state.values())

    def close(got: np.ndarray, want: np.ndarray) -> None:
        assert got.shape == want.shape
        if rtol is None:  # int8: one scale per output row, error at most half a step
            step = np.abs(want).max(axis=tuple(range(1, want.ndim)), keepdims=True) / 127
            assert np.all(np.abs(got - want) <= step / 2 + 1e-6)
        else:
            np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol * 1e-2)

    enc_qkv = values["encoder/layer_1/self_attention/linear_0/weight"]
    close(state["encoder.blocks.1.attn.query.weight"], enc_qkv[:D])
    close(state["encoder.blocks.1.attn.key.weight"], enc_qkv[D:2 * D])
    close(state["encoder.blocks.1.attn.value.weight"], enc_qkv[2 * D:])
    kv_bias = values["decoder/layer_0/attention/linear_1/bias"]
    close(state["decoder.blocks.0.cross_attn.value.bias"], kv_bias[D:])
    close(state["decoder.blocks.0.mlp.2.weight"], values["decoder/layer_0/ffn/linear_1/weight"])
    close(state["decoder.token_embedding.weight"], values["decoder/embeddings/weight"])
    np.testing.assert_allclose(state["decoder.ln.weight"], values["decoder/layer_norm/gamma"],
                               rtol=rtol or 1e-6)
    # openai-whisper's key projections have no bias at all.
    assert not any(k.endswith("key.bias") for k in state)


def test_dims_come_from_the_weights(tmp_path: Path) -> None:
    build_ct2_whisper(tmp_path, "float16")
    assert dims_from_ct2(read_ct2(tmp_path)) == {
        "n_mels": MELS, "n_audio_ctx": AUDIO_CTX, "n_audio_state": D, "n_audio_head": HEADS,
        "n_audio_layer": 2, "n_vocab": VOCAB, "n_text_ctx": TEXT_CTX, "n_text_state": D,
        "n_text_head": HEADS, "n_text_layer": 2,
    }


def test_truncated_model_is_a_clear_error(tmp_path: Path) -> None:
    build_ct2_whisper(tmp_path, "float16")
    data = (tmp_path / "model.bin").read_bytes()
    (tmp_path / "model.bin").write_bytes(data[: len(data) // 2])
    with pytest.raises(PMCError, match="truncated"):
        read_ct2(tmp_path)


def test_unknown_format_version_is_refused(tmp_path: Path) -> None:
    (tmp_path / "model.bin").write_bytes(struct.pack("<I", 99) + b"\0" * 64)
    with pytest.raises(PMCError, match="version 99"):
        read_ct2(tmp_path)


def test_a_non_whisper_model_is_refused(tmp_path: Path) -> None:
    need("torch")
    name = b"TransformerDecoderModelSpec"
    header = struct.pack("<IH", 6, len(name) + 1) + name + b"\0" + struct.pack("<III", 1, 0, 0)
    (tmp_path / "model.bin").write_bytes(header)
    with pytest.raises(PMCError, match="not Whisper"):
        convert_ct2_to_openai(tmp_path, tmp_path / CHECKPOINT_NAME)


def test_missing_model_bin_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(PMCError, match="does not exist"):
        read_ct2(tmp_path / "nowhere")


def test_checkpoint_is_written_atomically_and_loads_safely(tmp_path: Path) -> None:
    torch = need("torch")
    whisper = need("whisper")
    build_ct2_whisper(tmp_path / "ct2", "float16")
    out = convert_ct2_to_openai(tmp_path / "ct2", checkpoint_path(tmp_path / "ct2"))
    assert out == tmp_path / "ct2" / CHECKPOINT_NAME
    assert sorted(p.name for p in out.parent.iterdir()) == [
        "config.json", "model.bin", CHECKPOINT_NAME, "vocabulary.json"]  # no temp file left
    ckpt = torch.load(out, map_location="cpu", weights_only=True)
    assert ckpt["dims"]["n_vocab"] == VOCAB
    assert ckpt["alignment_heads"] == [[1, 0], [1, 1]]
    assert all(t.dtype == torch.float32 for t in ckpt["model_state_dict"].values())
    model = whisper.load_model(str(out), device="cpu")  # strict load: every name matches
    assert model.dims.n_text_layer == 2


def test_converted_encoder_matches_ctranslate2(tmp_path: Path) -> None:
    ctranslate2 = need("ctranslate2")
    torch = need("torch")
    whisper = need("whisper")
    build_ct2_whisper(tmp_path, "float32")
    ct2 = ctranslate2.models.Whisper(str(tmp_path), device="cpu", compute_type="float32")
    mel = np.random.default_rng(3).standard_normal((1, MELS, 2 * AUDIO_CTX)).astype(np.float32)
    want = np.array(ct2.encode(ctranslate2.StorageView.from_array(mel), to_cpu=True))
    variables = read_ct2(tmp_path)
    model = whisper.model.Whisper(whisper.model.ModelDimensions(**dims_from_ct2(variables)))
    model.load_state_dict({k: torch.from_numpy(v)
                           for k, v in ct2_to_openai_state(variables).items()})
    with torch.no_grad():
        got = model.encoder(torch.from_numpy(mel)).numpy()
    np.testing.assert_allclose(got, want, atol=1e-4)


@pytest.mark.model
def test_tiny_en_names_shapes_and_vocabulary(tiny_en_dir: Path) -> None:
    version, spec, revision = read_ct2_header(tiny_en_dir)
    assert (spec, version >= 4, revision) == ("WhisperSpec", True, 3)
    variables = read_ct2(tiny_en_dir)
    assert variables["encoder/layer_0/self_attention/linear_0/weight"].shape == (3 * 384, 384)
    assert variables["decoder/layer_3/attention/linear_1/weight"].shape == (2 * 384, 384)
    dims = dims_from_ct2(variables)
    # English-only Whisper has 51864 tokens; multilingual ones have 51865.
    assert dims == {"n_mels": 80, "n_audio_ctx": 1500, "n_audio_state": 384, "n_audio_head": 6,
                    "n_audio_layer": 4, "n_vocab": 51864, "n_text_ctx": 448,
                    "n_text_state": 384, "n_text_head": 6, "n_text_layer": 4}
    heads = json.loads((tiny_en_dir / "config.json").read_text())["alignment_heads"]
    assert [1, 0] in heads


@pytest.mark.model
@pytest.mark.slow
def test_tiny_en_decodes_the_same_tokens_as_ctranslate2(tiny_en_dir: Path,
                                                        tmp_path: Path) -> None:
    ctranslate2 = need("ctranslate2")
    torch = need("torch")
    whisper = need("whisper")
    if not JFK.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"test audio {JFK} is missing", pytrace=False)
        pytest.skip(f"test audio {JFK} is missing")
    from assistant.core.audio import decode as audio

    out = convert_ct2_to_openai(tiny_en_dir, tmp_path / CHECKPOINT_NAME)
    ckpt = torch.load(out, map_location="cpu", weights_only=True)
    model = whisper.model.Whisper(whisper.model.ModelDimensions(**ckpt["dims"]))
    model.load_state_dict(ckpt["model_state_dict"])
    mel = whisper.log_mel_spectrogram(whisper.pad_or_trim(audio.load(JFK)))
    features = ctranslate2.StorageView.from_array(np.ascontiguousarray(mel.numpy()[None]))
    ct2 = ctranslate2.models.Whisper(str(tiny_en_dir), device="cpu", compute_type="float32")
    with torch.no_grad():
        encoded = model.encoder(mel[None]).numpy()
    np.testing.assert_allclose(encoded, np.array(ct2.encode(features, to_cpu=True)), atol=1e-3)
    tok = whisper.tokenizer.get_tokenizer(multilingual=False)
    want = ct2.generate(features, [[tok.sot, tok.no_timestamps]], beam_size=1)[0]
    got = whisper.decode(model, mel, whisper.DecodingOptions(
        language="en", without_timestamps=True, fp16=False))
    assert got.tokens == want.sequences_ids[0]
