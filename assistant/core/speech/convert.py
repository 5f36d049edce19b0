"""Rebuild an openai-whisper checkpoint from a CTranslate2 Whisper `model.bin`.

openai-whisper wants its own `.pt` checkpoints, which cannot be fetched here;
the CTranslate2 files we do ship hold the same weights. `read_ct2` parses the
CTranslate2 binary format (version, spec name, revision, then name / shape /
dtype / bytes per variable, then aliases) without importing ctranslate2, and
`convert_ct2_to_openai` renames the variables to openai-whisper's module
names, splits the fused attention projections and writes a float32
checkpoint ({"dims", "model_state_dict", "alignment_heads"}).

Only `convert_ct2_to_openai` needs torch (to write the `.pt`); it is imported
lazily so the core app runs without the optional extra.
"""

from __future__ import annotations

import json
import os
import re
import struct
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from assistant.core.errors import PMCError

Progress = Callable[[str, int, int], None]  # (label, done, total), as in models.py

CHECKPOINT_NAME = "openai-whisper.pt"
INSTALL_HINT = ("openai-whisper is not installed; install the extra: "
                "pip install 'circle-assistant[openai-whisper]'")

# CTranslate2 DataType ids (include/ctranslate2/types.h).
_DTYPES: dict[int, np.dtype[Any]] = {
    0: np.dtype("<f4"), 1: np.dtype("i1"), 2: np.dtype("<i2"), 3: np.dtype("<i4"),
    4: np.dtype("<f2"), 5: np.dtype("<u2"),  # 5 is bfloat16: raw bits, widened below
}
_BFLOAT16 = 5
_SUPPORTED_VERSIONS = range(4, 7)  # 4 introduced dtype ids + byte counts; 6 is current


def checkpoint_path(model_dir: Path) -> Path:
    """Where `pmc models convert` puts the openai-whisper checkpoint of a CT2 model."""
    return Path(model_dir) / CHECKPOINT_NAME


class _Reader:
    def __init__(self, data: bytes, path: Path) -> None:
        self.data, self.pos, self.path = data, 0, path

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise PMCError(f"{self.path} is truncated or not a CTranslate2 model; "
                           "fetch it again with `pmc models pull`")
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return b

    def unpack(self, fmt: str) -> int:
        size = struct.calcsize("<" + fmt)
        value: int = struct.unpack("<" + fmt, self.take(size))[0]
        return value

    def string(self) -> str:
        n = self.unpack("H")  # length includes the trailing NUL
        return self.take(n)[:-1].decode("utf-8")


def read_ct2_header(model_dir: Path) -> tuple[int, str, int]:
    """(binary version, spec name, spec revision) of `model_dir/model.bin`."""
    path = _model_bin(model_dir)
    with path.open("rb") as fh:
        r = _Reader(fh.read(4096), path)
    version = r.unpack("I")
    return version, r.string(), r.unpack("I")


def _model_bin(model_dir: Path) -> Path:
    path = Path(model_dir)
    path = path if path.is_file() else path / "model.bin"
    if not path.is_file():
        raise PMCError(f"{path} does not exist; point at a CTranslate2 Whisper directory")
    return path


def read_ct2(model_dir: Path) -> dict[str, np.ndarray]:
    """All variables of a CTranslate2 `model.bin`, by name, in their stored dtype.

    Scalars come back as 0-d arrays; aliases (e.g. the output projection tied to
    the token embedding) map to the same array as their target. bfloat16 is
    widened to float32 because numpy has no bfloat16.
    """
    path = _model_bin(model_dir)
    r = _Reader(path.read_bytes(), path)
    version = r.unpack("I")
    if version not in _SUPPORTED_VERSIONS:
        raise PMCError(f"{path} has CTranslate2 format version {version}; this converter "
                       f"reads versions {_SUPPORTED_VERSIONS.start}-{_SUPPORTED_VERSIONS.stop - 1}")
    r.string()  # spec name, checked by the caller that cares
    r.unpack("I")  # spec revision
    out: dict[str, np.ndarray] = {}
    for _ in range(r.unpack("I")):
        name = r.string()
        shape = tuple(r.unpack("I") for _ in range(r.unpack("B")))
        type_id = r.unpack("B")
        nbytes = r.unpack("I")
        if type_id not in _DTYPES:
            raise PMCError(f"{path}: variable {name} has unknown data type {type_id}")
        dtype = _DTYPES[type_id]
        raw = r.take(nbytes)
        if nbytes != int(np.prod(shape, dtype=np.int64)) * dtype.itemsize:
            raise PMCError(f"{path}: variable {name} has {nbytes} bytes for shape {shape}; "
                           "the file is damaged")
        arr = np.frombuffer(raw, dtype=dtype).reshape(shape)
        if type_id == _BFLOAT16:
            arr = (arr.astype(np.uint32) << 16).view(np.float32)
        out[name] = arr
    for _ in range(r.unpack("I")):
        alias, target = r.string(), r.string()
        if target in out:
            out[alias] = out[target]
    return out


def _float(variables: dict[str, np.ndarray], name: str) -> np.ndarray:
    """A weight as contiguous float32, de-quantising int8/int16 weights by their scale."""
    arr = variables[name]
    if arr.dtype in (np.int8, np.int16):
        scale = variables.get(name + "_scale")
        if scale is None:
            raise PMCError(f"quantised variable {name} has no scale; the model is damaged")
        # CTranslate2 stores round(w * scale) with one scale per output row.
        scale = scale.astype(np.float32).reshape(-1, *([1] * (arr.ndim - 1)))
        return np.ascontiguousarray(arr.astype(np.float32) / scale)
    # A copy, not a view: read_ct2 arrays are read-only views of the file's bytes.
    return np.array(arr, dtype=np.float32, order="C", copy=True)


def _scalar(variables: dict[str, np.ndarray], name: str) -> int:
    return int(variables[name].reshape(()))


def _n_layers(variables: dict[str, np.ndarray], side: str) -> int:
    pat = re.compile(rf"^{side}/layer_(\d+)/")
    return 1 + max((int(m.group(1)) for k in variables if (m := pat.match(k))), default=-1)


def dims_from_ct2(variables: dict[str, np.ndarray]) -> dict[str, int]:
    """openai-whisper's ModelDimensions, read off the weight shapes.

    n_vocab tells the two vocabularies apart: 51864 is English-only (tiny.en),
    51865 multilingual (base), which is how openai-whisper picks its tokenizer.
    """
    conv1 = variables["encoder/conv1/weight"]
    enc_pos = variables["encoder/position_encodings/encodings"]
    emb = variables["decoder/embeddings/weight"]
    dec_pos = variables["decoder/position_encodings/encodings"]
    return {
        "n_mels": int(conv1.shape[1]),
        "n_audio_ctx": int(enc_pos.shape[0]),
        "n_audio_state": int(enc_pos.shape[1]),
        "n_audio_head": _scalar(variables, "encoder/num_heads"),
        "n_audio_layer": _n_layers(variables, "encoder"),
        "n_vocab": int(emb.shape[0]),
        "n_text_ctx": int(dec_pos.shape[0]),
        "n_text_state": int(emb.shape[1]),
        "n_text_head": _scalar(variables, "decoder/num_heads"),
        "n_text_layer": _n_layers(variables, "decoder"),
    }


def _norm(sd: dict[str, np.ndarray], v: dict[str, np.ndarray], src: str, dst: str) -> None:
    sd[dst + ".weight"] = _float(v, src + "/gamma")
    sd[dst + ".bias"] = _float(v, src + "/beta")


def _linear(sd: dict[str, np.ndarray], v: dict[str, np.ndarray], src: str, dst: str) -> None:
    sd[dst + ".weight"] = _float(v, src + "/weight")
    sd[dst + ".bias"] = _float(v, src + "/bias")


def _split(v: dict[str, np.ndarray], src: str, parts: int) -> tuple[list[np.ndarray], ...]:
    w, b = _float(v, src + "/weight"), _float(v, src + "/bias")
    return (list(np.split(w, parts, axis=0)), list(np.split(b, parts, axis=0)))


def _attention(sd: dict[str, np.ndarray], v: dict[str, np.ndarray], src: str, dst: str,
               cross: bool) -> None:
    """Unfuse one attention block.

    Self-attention: linear_0 = [q; k; v], linear_1 = out. Cross-attention:
    linear_0 = q, linear_1 = [k; v], linear_2 = out. openai-whisper's key has no
    bias; CTranslate2 carries zeros there, and a key bias would not change the
    softmax anyway (it adds the same q.b to every key of a query).
    """
    if cross:
        _linear(sd, v, src + "/linear_0", dst + ".query")
        (wk, wv), (_bk, bv) = _split(v, src + "/linear_1", 2)
        out = src + "/linear_2"
    else:
        (wq, wk, wv), (bq, _bk, bv) = _split(v, src + "/linear_0", 3)
        sd[dst + ".query.weight"], sd[dst + ".query.bias"] = wq, bq
        out = src + "/linear_1"
    sd[dst + ".key.weight"] = wk
    sd[dst + ".value.weight"], sd[dst + ".value.bias"] = wv, bv
    _linear(sd, v, out, dst + ".out")


def _block(sd: dict[str, np.ndarray], v: dict[str, np.ndarray], src: str, dst: str,
           cross: bool) -> None:
    _attention(sd, v, src + "/self_attention", dst + ".attn", cross=False)
    _norm(sd, v, src + "/self_attention/layer_norm", dst + ".attn_ln")
    if cross:
        _attention(sd, v, src + "/attention", dst + ".cross_attn", cross=True)
        _norm(sd, v, src + "/attention/layer_norm", dst + ".cross_attn_ln")
    _linear(sd, v, src + "/ffn/linear_0", dst + ".mlp.0")
    _linear(sd, v, src + "/ffn/linear_1", dst + ".mlp.2")
    _norm(sd, v, src + "/ffn/layer_norm", dst + ".mlp_ln")


def ct2_to_openai_state(variables: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """openai-whisper state_dict (float32 numpy) from CTranslate2 Whisper variables."""
    v, sd = variables, {}
    dims = dims_from_ct2(v)
    for side, width in (("encoder", dims["n_audio_state"]), ("decoder", dims["n_text_state"])):
        ffn = v.get(f"{side}/layer_0/ffn/linear_0/weight")
        # openai-whisper hard-codes the MLP width as 4 x the model width.
        if ffn is None or ffn.shape != (4 * width, width):
            raise PMCError(f"this CTranslate2 model's {side} does not have Whisper's layout "
                           "and cannot be converted for openai-whisper")
    sd["encoder.conv1.weight"] = _float(v, "encoder/conv1/weight")
    sd["encoder.conv1.bias"] = _float(v, "encoder/conv1/bias")
    sd["encoder.conv2.weight"] = _float(v, "encoder/conv2/weight")
    sd["encoder.conv2.bias"] = _float(v, "encoder/conv2/bias")
    sd["encoder.positional_embedding"] = _float(v, "encoder/position_encodings/encodings")
    for i in range(dims["n_audio_layer"]):
        _block(sd, v, f"encoder/layer_{i}", f"encoder.blocks.{i}", cross=False)
    _norm(sd, v, "encoder/layer_norm", "encoder.ln_post")
    sd["decoder.token_embedding.weight"] = _float(v, "decoder/embeddings/weight")
    sd["decoder.positional_embedding"] = _float(v, "decoder/position_encodings/encodings")
    for i in range(dims["n_text_layer"]):
        _block(sd, v, f"decoder/layer_{i}", f"decoder.blocks.{i}", cross=True)
    _norm(sd, v, "decoder/layer_norm", "decoder.ln")
    return sd


def _alignment_heads(model_dir: Path) -> list[list[int]] | None:
    """The (layer, head) pairs used for word timing, from CTranslate2's config.json."""
    cfg = Path(model_dir) / "config.json"
    if not cfg.is_file():
        return None
    try:
        heads = json.loads(cfg.read_text()).get("alignment_heads")
    except (ValueError, OSError):
        return None
    if not isinstance(heads, list):
        return None
    return [[int(layer), int(head)] for layer, head in heads]


def _import_torch() -> Any:
    try:
        import torch
    except ImportError:
        raise PMCError(INSTALL_HINT) from None
    return torch


def convert_ct2_to_openai(model_dir: Path, out_path: Path,
                          progress: Progress | None = None) -> Path:
    """Write an openai-whisper checkpoint for the CTranslate2 model in `model_dir`.

    The file appears atomically (written to a temporary file beside it, then
    renamed), so an interrupted conversion never leaves a half checkpoint.
    """
    torch = _import_torch()
    model_dir, out_path = Path(model_dir), Path(out_path)
    _version, spec, _rev = read_ct2_header(model_dir)
    if spec != "WhisperSpec":
        raise PMCError(f"{model_dir} holds a CTranslate2 '{spec}' model, not Whisper")
    variables = read_ct2(model_dir)
    dims = dims_from_ct2(variables)
    state = ct2_to_openai_state(variables)
    tensors = {}
    for i, (name, arr) in enumerate(state.items(), 1):
        tensors[name] = torch.from_numpy(arr)
        if progress:
            progress("convert", i, len(state))
    checkpoint: dict[str, Any] = {"dims": dims, "model_state_dict": tensors}
    heads = _alignment_heads(model_dir)
    if heads:
        checkpoint["alignment_heads"] = heads
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=out_path.name + ".", suffix=".tmp", dir=out_path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            torch.save(checkpoint, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, out_path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out_path
