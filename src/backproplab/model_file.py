"""Saving and loading models as a single ``.npz`` file that cannot run code.

The file holds each parameter array under ``param:<name>``, each buffer
(e.g. batch norm's running statistics) under ``buffer:<name>``, plus ``__architecture__``,
a JSON document (stored as bytes) describing the layers, the format version
and the library version. Saving writes a temporary file beside the target and
renames it, so a crash mid-save never leaves a half-written model in place of
a good one. Loading uses ``allow_pickle=False``.
"""

import json
import os
import zipfile

import numpy as np

from .atomic import replace_atomically
from .errors import BackproplabError, ConfigError, ModelFileError
from .limits import check_regular_file, check_size, product
from .nn.module import LAYERS, Sequential
from .version import __version__

FORMAT = "backproplab-model"
FORMAT_VERSION = 1
_ARCH_KEY = "__architecture__"


def describe(model):
    """The JSON-able architecture of a Sequential model (or a single layer)."""
    layers = model.layers if isinstance(model, Sequential) else [model]
    for layer in layers:
        # Every Module subclass registers itself in LAYERS by class name when it is defined.
        if type(layer).__name__ not in LAYERS:
            raise ConfigError(f"cannot save layer type {type(layer).__name__}; known: {sorted(LAYERS)}")
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "library_version": __version__,
        "sequential": isinstance(model, Sequential),
        "layers": [{"type": type(layer).__name__, "config": layer.config()} for layer in layers],
    }


def save_model(model, path, metadata=None):
    """Write ``model`` (and optional JSON-able ``metadata``) to ``path`` atomically."""
    path = os.fspath(path)
    if not path.endswith(".npz"):
        raise ConfigError(f"model files end in .npz, got {path!r}; add the extension")
    arch = describe(model)
    arch["metadata"] = metadata or {}
    arrays = {f"param:{name}": p.data for name, p in model.named_parameters()}
    arrays.update((f"buffer:{name}", b) for name, b in model.named_buffers())
    arrays[_ARCH_KEY] = np.frombuffer(json.dumps(arch).encode("utf-8"), dtype=np.uint8)
    return write_npz_atomically(path, arrays)


def write_npz_atomically(path, arrays):
    """np.savez into a temporary file beside ``path``, then rename it over ``path``."""
    return replace_atomically(path, lambda f: np.savez(f, **arrays), binary=True)


def _check_members(path):
    """Every array in the .npz at ``path`` holds exactly the bytes its header claims, within the size limit.

    Read from the zip directory and the .npy headers alone, so a header that
    claims 10^12 values is refused before anything of that size is allocated.
    """
    total = 0
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            total += info.file_size
            check_size("file_bytes", total, f"model file {path!r} unpacked", "give a model file written by backproplab")
            if not info.filename.endswith(".npy"):
                continue
            with archive.open(info) as member:
                version = np.lib.format.read_magic(member)
                read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                               else np.lib.format.read_array_header_2_0)
                shape, _, dtype = read_header(member)
                if dtype.hasobject:
                    raise ModelFileError(f"model file {path!r} holds Python objects in {info.filename!r}; "
                                         "backproplab models hold numbers only")
                claimed, held = product(shape) * dtype.itemsize, info.file_size - member.tell()
                if claimed != held:
                    raise ModelFileError(f"model file {path!r} is damaged: {info.filename!r} claims shape "
                                         f"{tuple(shape)} ({claimed:,} bytes) but holds {held:,} bytes")


def read_npz(path):
    check_regular_file(path, "model file", "give the .npz file written by backproplab")
    try:
        _check_members(path)
        # Open the file here so it is closed even when NumPy fails half-way.
        with open(path, "rb") as f, np.load(f, allow_pickle=False) as data:
            return {key: data[key] for key in data.files}
    except BackproplabError:
        raise
    except FileNotFoundError:
        raise ModelFileError(f"model file {path!r} does not exist; check the path") from None
    except IsADirectoryError:
        raise ModelFileError(f"model file {path!r} is a folder; give the .npz file inside it") from None
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError, RuntimeError) as e:
        raise ModelFileError(
            f"model file {path!r} is not a readable backproplab model (truncated or corrupted?): {e}"
        ) from None


def _check_declared_sizes(path, specs):
    """Refuse an architecture whose layers would be too large, before building any of them.

    The product of the whole numbers in a layer's config (in and out
    features, channels, kernel size) bounds its parameter count.
    """
    total = 0
    for spec in specs:
        sizes = [v for value in spec["config"].values() for v in (value if isinstance(value, list) else [value])
                 if isinstance(v, int) and not isinstance(v, bool) and v > 0]
        total += product(sizes) if sizes else 0
        check_size("parameters", total, f"model file {path!r} declares layers of up to",
                   "give a model file written by backproplab")


def load_model(path):
    """Rebuild the model saved at ``path``; returns ``(model, metadata)``."""
    path = os.fspath(path)
    arrays = read_npz(path)
    try:
        arch = json.loads(bytes(arrays.pop(_ARCH_KEY)).decode("utf-8"))
    except KeyError:
        raise ModelFileError(f"{path!r} is an .npz file but not a backproplab model") from None
    except (UnicodeDecodeError, ValueError, TypeError):
        raise ModelFileError(f"model file {path!r} has a corrupted architecture record") from None
    if not isinstance(arch, dict) or arch.get("format") != FORMAT:
        raise ModelFileError(f"{path!r} is an .npz file but not a backproplab model")
    if arch.get("format_version") != FORMAT_VERSION:
        raise ModelFileError(
            f"model file {path!r} has format version {arch.get('format_version')!r}; this "
            f"backproplab ({__version__}) reads version {FORMAT_VERSION}; re-save it with a matching version"
        )
    try:
        _check_declared_sizes(path, arch["layers"])
    except (KeyError, TypeError, AttributeError):
        raise ModelFileError(f"model file {path!r} has a corrupted architecture record") from None
    try:
        layers = [LAYERS[spec["type"]](**spec["config"]) for spec in arch["layers"]]
    except (KeyError, TypeError, ConfigError) as e:
        raise ModelFileError(f"model file {path!r} describes an unknown or invalid layer: {e}") from None
    if not layers:
        raise ModelFileError(f"model file {path!r} describes no layers")
    model = Sequential(layers) if arch.get("sequential", True) else layers[0]
    state = {k.split(":", 1)[1]: v for k, v in arrays.items() if k.startswith(("param:", "buffer:"))}
    dtypes = {v.dtype for v in state.values()}
    if len(dtypes) > 1 or any(not np.issubdtype(d, np.floating) for d in dtypes):
        raise ModelFileError(f"model file {path!r} holds parameters of unexpected types {sorted(map(str, dtypes))}")
    if dtypes:
        model.to(dtypes.pop())
    try:
        model.load_state_dict(state)
    except ConfigError as e:
        raise ModelFileError(f"model file {path!r} does not match its architecture: {e}") from None
    return model, arch.get("metadata", {})
