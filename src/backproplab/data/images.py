"""The named image data sets, MNIST and Fashion-MNIST: where their files live and how to get them.

Files are looked up in ``data_dir`` when given (the folder holding the four
files, or its parent holding ``<name>/``), else in the cache folder:
``$BACKPROPLAB_DATA/<name>`` when that variable is set, otherwise the
platform's user cache (``~/.cache/backproplab/<name>`` on Linux). Missing
files are downloaded from the public mirrors below and kept only if their
SHA-256 matches.
"""

import os
import sys
from dataclasses import dataclass

import numpy as np

from ..errors import ConfigError
from ..limits import check_regular_file
from .download import DownloadError, download
from .idx import read_idx

ENV_VAR = "BACKPROPLAB_DATA"
ROLES = ("train images", "train labels", "test images", "test labels")


@dataclass(frozen=True)
class ImageSet:
    name: str
    files: dict      # role -> (file name, SHA-256 of the .gz file)
    mirrors: tuple   # base URLs, tried in order
    classes: tuple   # class names, by label


IMAGE_SETS = {
    "mnist": ImageSet(
        "mnist",
        {
            "train images": ("train-images-idx3-ubyte.gz", "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
            "train labels": ("train-labels-idx1-ubyte.gz", "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
            "test images": ("t10k-images-idx3-ubyte.gz", "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
            "test labels": ("t10k-labels-idx1-ubyte.gz", "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"),
        },
        ("https://ossci-datasets.s3.amazonaws.com/mnist/",
         "https://storage.googleapis.com/cvdf-datasets/mnist/"),
        tuple(str(d) for d in range(10)),
    ),
    "fashion-mnist": ImageSet(
        "fashion-mnist",
        {
            "train images": ("train-images-idx3-ubyte.gz", "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"),
            "train labels": ("train-labels-idx1-ubyte.gz", "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845"),
            "test images": ("t10k-images-idx3-ubyte.gz", "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"),
            "test labels": ("t10k-labels-idx1-ubyte.gz", "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"),
        },
        ("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
         "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"),
        ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"),
    ),
}


# The same functions serve the command line and Python callers: the hint names the option of each.
DATA_DIR_HINT = "--data-dir FOLDER on the command line, data_dir=FOLDER in Python"


def cache_dir():
    """The folder holding one sub-folder per data set."""
    if os.environ.get(ENV_VAR):
        return os.environ[ENV_VAR]
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.expanduser("~\\AppData\\Local")
    elif sys.platform == "darwin":
        base = os.path.expanduser("~/Library/Caches")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return os.path.join(base, "backproplab")


def _candidates(image_set, data_dir):
    if data_dir is not None:
        return [data_dir, os.path.join(data_dir, image_set.name)]
    return [os.path.join(cache_dir(), image_set.name)]


def _find(folders, filename):
    """The path of ``filename`` (or its gunzipped twin) in the first folder holding it."""
    for folder in folders:
        for name in (filename, filename[:-3]):
            path = os.path.join(folder, name)
            if os.path.isfile(path):
                return path
            # a FIFO or folder of that name would hang or fail the read: say what it is
            check_regular_file(path, "data file", f"remove it and put the {filename} file there")
    return None


def locate(name, data_dir=None, download_missing=True, mirrors=None, stream=None):
    """role -> path of each file of the data set ``name``, downloading what is missing."""
    image_set = IMAGE_SETS[name]
    if data_dir is not None and not os.path.isdir(data_dir):
        raise ConfigError(f"--data-dir {data_dir!r} is not a folder; give the folder holding the {name} files")
    folders = _candidates(image_set, data_dir)
    target = folders[0]
    mirrors = tuple(mirrors or image_set.mirrors)
    paths = {}
    for role, (filename, sha256) in image_set.files.items():
        path = _find(folders, filename)
        if path is None:
            if not download_missing:
                raise ConfigError(
                    f"{name}: {filename} is not in {target} and downloading is off; put the four files "
                    f"from {mirrors[0]} there (or name their folder: {DATA_DIR_HINT})"
                )
            path = _download(filename, sha256, target, mirrors, stream)
        paths[role] = path
    return paths


def _download(filename, sha256, folder, mirrors, stream):
    reasons = []
    for base in mirrors:
        try:
            return download(base + filename, os.path.join(folder, filename), sha256, stream=stream)
        except DownloadError as e:
            reasons.append(str(e))
    raise DownloadError(
        f"could not download {filename} ({'; '.join(reasons)}); if this machine is offline, put the "
        f"file there by hand: {folder} (or name its folder: {DATA_DIR_HINT})"
    )


def load_image_set(name, data_dir=None, download_missing=True, mirrors=None, stream=None):
    """(X_train, y_train, X_test, y_test): uint8 images (N, H, W) and int64 labels."""
    paths = locate(name, data_dir, download_missing, mirrors, stream)
    arrays = {role: read_idx(path) for role, path in paths.items()}
    for split in ("train", "test"):
        images, labels = arrays[f"{split} images"], arrays[f"{split} labels"]
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise ConfigError(
                f"{name}: {paths[f'{split} images']} holds shape {images.shape} and "
                f"{paths[f'{split} labels']} shape {labels.shape}; expected (N, H, W) images and N labels"
            )
        if not np.issubdtype(labels.dtype, np.integer):
            raise ConfigError(f"{name}: {paths[f'{split} labels']} stores its labels as {labels.dtype}, not "
                              "integers; use the data set's own label files")
        if labels.max() >= len(IMAGE_SETS[name].classes):
            raise ConfigError(f"{name}: {paths[f'{split} labels']} holds label {labels.max()}, expected 0-9")
    return (arrays["train images"], arrays["train labels"].astype(np.int64),
            arrays["test images"], arrays["test labels"].astype(np.int64))
