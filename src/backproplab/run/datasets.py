"""What the run layer knows about each data set, in one place: its kind, the options it
accepts, its defaults and how it is split into training, validation and test sets.

Three kinds of source:

- generated 2-D points: every generator of ``data.DATASETS``. What it accepts is read
  from its signature: ``n`` (then ``--n`` and ``--test-size``; its default is the
  default of ``n``), ``noise`` and ``classes``. A generator without ``n`` is a fixed set
  (the lab's XOR points) that is tested on itself. A new generator with its registry
  line is a new ``--dataset`` choice, with nothing to add here.
- the playground's shapes (``data.plane_shapes.SHAPES``) and surfaces (``SURFACES``, values to
  regress onto) as ``playground-<name>``: drawn in [-5, 5]^2 as the playground draws them, ``--n``
  points at once, of which ``--test-size`` (default half) are held out for testing, as the
  playground splits them. ``--targets`` says what y holds where a set may hold either: a
  surface's values or their signs as classes, a file's class labels or values.

Every 2-D set may feed the network features of its points (``--features``, e.g. ``x1^2``).
- MNIST-style image sets: every entry of ``data.images.IMAGE_SETS``, with their own test files.
- ``csv``: any numeric table with a label column, ``--data FILE`` (and ``--test-data FILE``).
  Its values are taken as they are, except that 784 columns (28 x 28, the layout of MNIST
  and Kaggle's digit files) are pixels divided by 255, and ``--scale`` divides by any
  value; other tables are standardised (``--standardize``, statistics of the training rows,
  kept in the model file).

Image and CSV sets (``table`` sources) hold out validation rows and write checkpoints;
how they train by default is their recipe (``recipes``).
"""

import functools
import inspect
from dataclasses import dataclass

import numpy as np

from ..data import DATASETS
from ..data.csv_table import read_labelled
from ..data.plane_shapes import MULTI_CLASS, SHAPES, SURFACES
from ..data.images import IMAGE_SETS, load_image_set
from ..errors import ConfigError, lookup
from ..limits import check_size
from .point_inputs import on_square, read_points, with_features
from .recipes import recipe
from .split import Split

DEFAULT_VAL_SIZE = 5000  # images held out of MNIST's 60,000 for validation

# Options that only some data sets take; a value other than RunConfig's default is an error elsewhere.
DATA_OPTIONS = ("n", "test_size", "noise", "classes", "features", "hold_out", "square", "val_size", "data_dir", "download", "data", "label_column",
                "test_data", "scale", "standardize", "targets")
IMAGE_COLUMNS = 28 * 28  # a CSV of this many feature columns holds 28x28 images of 0-255 pixels
SHAPE_PREFIX = "playground-"  # the command line's name of a playground shape: playground-circle
POINTS_FILE = "csv-points"  # 2-D points of a CSV file, trained as generated points are
SHAPE_POINTS = 400  # points a playground shape draws by default, as the page does


@dataclass(frozen=True)
class Source:
    """One ``--dataset`` choice."""

    name: str
    kind: str                # "points", "images" or "csv"
    options: frozenset       # which of DATA_OPTIONS it accepts
    default_n: int | None = None  # points drawn when --n is not given (None: fixed or read from files)
    generator: object = None  # the function that draws 2-D points
    held_out: bool = False  # the test points are held out of one draw of --n (else drawn apart)
    from_file: bool = False  # 2-D points read from --data, their number known once read
    targets: str = "classes"  # what y holds by default: "classes" (labels) or "values" (to regress onto)

    @property
    def is_table(self):
        return self.kind != "points"

    @property
    def defaults(self):
        """Per model, the RunConfig defaults this source changes (its recipe)."""
        return recipe(self.kind, self.name)

    def split(self, config, streams):
        """The Split of ``config``, drawing from the named random ``streams``."""
        return {"points": _split_points, "images": _split_images, "csv": _split_csv}[self.kind](self, config, streams)


@functools.cache  # a generator's signature does not change; the command line's help reads it hundreds of times
def _points_source(name, generator):
    params = inspect.signature(generator).parameters
    options = {option for option in ("noise", "classes") if option in params} | {"features", "hold_out", "square"}
    options |= {"n", "test_size"} if "n" in params else {"test_size"}  # a fixed set's test points: with --hold-out
    default_n = params["n"].default if "n" in params else None
    return Source(name, "points", frozenset(options), default_n, generator)


def _shape_source(name, generator, targets="classes"):
    options = {"n", "test_size", "noise", "features"} | ({"classes"} if name in MULTI_CLASS else set())
    options |= {"targets"} if targets == "values" else set()  # a surface's values, or their signs as classes
    return Source(SHAPE_PREFIX + name, "points", frozenset(options), SHAPE_POINTS, generator, held_out=True,
                  targets=targets)


_TABLE_OPTIONS = frozenset({"n", "test_size", "val_size"})


def sources():
    """Every data set by name: the generators (read now, so that new registrations count), images, csv."""
    found = {name: _points_source(name, generator) for name, generator in DATASETS.items()}
    found.update((SHAPE_PREFIX + name, _shape_source(name, shape)) for name, shape in SHAPES.items())
    found.update((SHAPE_PREFIX + name, _shape_source(name, surface, "values")) for name, surface in SURFACES.items())
    found.update((name, Source(name, "images", _TABLE_OPTIONS | {"data_dir", "download"})) for name in IMAGE_SETS)
    found[POINTS_FILE] = Source(POINTS_FILE, "points", frozenset({"data", "label_column", "test_size", "square",
                                                                  "features", "targets"}), held_out=True, from_file=True)
    found["csv"] = Source("csv", "csv",
                          _TABLE_OPTIONS | {"data", "label_column", "test_data", "scale", "standardize"})
    return found


def names():
    return tuple(sources())


def source(name):
    """The Source called ``name`` (a ConfigError with the choices if there is none)."""
    return lookup("dataset", name, sources())


def fixed_points(name):
    """The points of a fixed generated set (one whose generator takes no ``n``)."""
    return DATASETS.get(name)()


def drawn_points(config):
    """Points a generated data set draws for training (for a held-out set, with its test points): --n,
    the generator's default, or the fixed set's size."""
    src = source(config.dataset)
    if config.n is not None:
        return config.n
    return src.default_n if src.default_n is not None else len(fixed_points(config.dataset)[1])


def holds_out(config):
    """True when the test points are held out of one draw (a playground shape, or --hold-out)."""
    return source(config.dataset).held_out or config.hold_out


def held_out_points(config, n=None):
    """Test points held out of one draw (see ``holds_out``) of ``n`` points (default: those drawn):
    --test-size, or half."""
    n = drawn_points(config) if n is None else n
    where = f"in {config.data!r}" if source(config.dataset).from_file else "drawn (--n)"
    if n < 2:  # one point to train on and one to test on, at least
        what = ("row" if source(config.dataset).from_file else "point") + ("" if n == 1 else "s")
        raise ConfigError(f"{n} {what} {where} can't be split into training and test points; give at least 2")
    n_test = config.test_size or n // 2
    if n_test >= n:
        raise ConfigError(f"--test-size {n_test} leaves no training points of the {n} {where}; use at most {n - 1}")
    return n_test


def n_points(config):
    """Training points of a generated data set: those drawn, less any held out for testing."""
    held_out = held_out_points(config) if holds_out(config) else 0
    return drawn_points(config) - held_out


def targets(config):
    """What y holds: "values" to regress onto, or "classes" (--targets, else the data set's own)."""
    return source(config.dataset).targets if config.targets == "auto" else config.targets


def point_classes(config):
    """Classes of a generated set: --classes for the generators that take it, else the fixed set's, else 2
    (0 for values to regress onto)."""
    src = source(config.dataset)
    if targets(config) == "values":
        return 0
    if "classes" in src.options:
        return config.classes
    return int(fixed_points(config.dataset)[1].max()) + 1 if src.default_n is None else 2


def check_point_counts(config):
    """Refuse --n or --test-size points over the limit before any is drawn, naming the option."""
    if source(config.dataset).kind != "points" or source(config.dataset).from_file:
        return
    check_size("points", drawn_points(config), "--n", "draw fewer points")
    if config.test_size is not None:
        check_size("points", config.test_size, "--test-size", "draw fewer test points")


# --- splitting -----------------------------------------------------------------------------------

def _split_points(src, config, streams):
    if src.from_file:
        X, y, placement = read_points(config, targets(config) == "values")
        data = _held_out(config, streams, X, y, f"rows of {config.data}")
        data.placement = placement
        return data
    if src.default_n is None:
        X, y = fixed_points(src.name)
        if config.hold_out:
            return _held_out(config, streams, on_square(config, X), y, "fixed points")
        X = on_square(config, X)
        return Split(X, y, X, y, f"the {len(y)} training points themselves (the {src.name} set is fixed)")
    check_point_counts(config)
    generator = src.generator
    kwargs = {option: getattr(config, option) for option in ("noise", "classes") if option in src.options}
    if holds_out(config):
        X, y = src.generator(n=drawn_points(config), seed=streams["train data"], **kwargs)
        return _held_out(config, streams, on_square(config, X), y, "points drawn")
    n = n_points(config)
    n_test = config.test_size or n
    X, y = generator(n=n, seed=streams["train data"], **kwargs)
    X_test, y_test = generator(n=n_test, seed=streams["test data"], **kwargs)
    X, X_test = on_square(config, X), on_square(config, X_test)
    source_text = (f"{n_test} fresh points from the same generator, drawn from an independent stream "
                   f"of seed {config.seed}")
    return Split(X, y, X_test, y_test, source_text)


def _held_out(config, streams, X, y, what):
    """The points X, y with --test-size of them held out at random: the playground's split, by its streams.
    A surface's values with ``--targets classes`` become their signs, classes 1 (> 0) and 0, as the playground's."""
    n, regression = len(y), targets(config) == "values"
    if not regression and source(config.dataset).targets == "values":
        y = (y > 0).astype(np.int64)
    n_test = held_out_points(config, n)
    order = streams["test data"].permutation(n)
    train, test = order[:n - n_test], order[n - n_test:]
    return Split(X[train], y[train], X[test], y[test], f"{n_test} of the {n} {what}, held out at random "
                 f"with seed {config.seed}", regression=regression)


def _subset(X, y, size, rng, option):
    if size is None:
        return X, y
    if size > len(X):
        raise ConfigError(f"{option} {size} is more than the {len(X)} samples available; use at most {len(X)}")
    keep = np.sort(rng.choice(len(X), size, replace=False))
    return X[keep], y[keep]


def _split_images(src, config, streams):
    """MNIST-style sets keep their own test files; ``--test-size`` draws a random subset of them."""
    X_train, y_train, X_test, y_test = load_image_set(src.name, config.data_dir, config.download)
    files = len(y_test)
    X_test, y_test = _subset(X_test, y_test, config.test_size, streams["test data"], "--test-size")
    test_source = (f"the {files:,} images of the {src.name} test files" if len(y_test) == files else
                   f"{len(y_test):,} of the {files:,} images of the {src.name} test files, drawn at random with "
                   f"seed {config.seed}")
    return _table_split(config, streams, X_train, y_train, X_test, y_test, test_source,
                        IMAGE_SETS[src.name].classes, X_train.shape[1:], 255.0)


def table_scale(config, n_features):
    """``--scale``; else 255 for the 784-column image layout, 1 for any other table (values are not guessed at)."""
    if config.scale is not None:
        return config.scale
    return 255.0 if n_features == IMAGE_COLUMNS else 1.0


def table_standardize(config, n_features):
    """``--standardize`` / ``--no-standardize``; else on for every table but the 784-column image layout."""
    return config.standardize if config.standardize is not None else n_features != IMAGE_COLUMNS


def square_image_shape(n_features):
    """(side, side) when ``n_features`` is a perfect square (784 -> 28 x 28), else None."""
    side = int(round(np.sqrt(n_features)))
    return (side, side) if side * side == n_features else None


def _split_csv(src, config, streams):
    """A CSV gives up ``--test-size`` rows (default 10%) as its test set, drawn with the seed."""
    X, y = read_labelled(config.data, config.label_column)
    if config.test_data:
        X_train, y_train = X, y
        X_test, y_test = read_labelled(config.test_data, config.label_column)
        if X_test.shape[1] != X.shape[1]:
            raise ConfigError(f"--test-data {config.test_data!r} has {X_test.shape[1]} feature columns, --data "
                              f"{config.data!r} has {X.shape[1]}; give files of the same columns")
        if config.test_size is not None:
            raise ConfigError("--test-size holds rows of --data out for testing; with --test-data drop it")
        test_source = f"the {len(y_test)} rows of {config.test_data}"
    else:
        n_test = config.test_size or max(1, len(X) // 10)
        if n_test >= len(X):
            raise ConfigError(f"--test-size {n_test} leaves no training rows of the {len(X)} in {config.data!r}")
        order = streams["test data"].permutation(len(X))
        test, train = order[:n_test], order[n_test:]
        X_train, y_train, X_test, y_test = X[train], y[train], X[test], y[test]
        test_source = f"{n_test} rows of {config.data} held out with seed {config.seed}"
    classes = tuple(str(k) for k in range(int(max(y_train.max(), y_test.max())) + 1))
    n_features = X.shape[1]
    return _table_split(config, streams, X_train, y_train, X_test, y_test, test_source, classes,
                        square_image_shape(n_features), table_scale(config, n_features),
                        table_standardize(config, n_features))


def default_val_size(n):
    """Validation samples held out of ``n`` training images or rows when --val-size is not given."""
    return min(DEFAULT_VAL_SIZE, n // 10)


def _table_split(config, streams, X_train, y_train, X_test, y_test, test_source, classes, image_shape, scale,
                 standardize=False):
    """``--n`` draws a random subset of the training rows; ``--val-size`` rows (default 5,000, or 10%
    of smaller sets) are held out for validation; inputs are divided by ``scale``, with ``standardize``
    standardised by the mean and standard deviation of the training rows, and shaped for the model."""
    X_train, y_train = _subset(X_train, y_train, config.n, streams["train data"], "--n")
    n_val = config.val_size if config.val_size is not None else default_val_size(len(X_train))
    if n_val >= len(X_train):
        raise ConfigError(f"--val-size {n_val} leaves no training samples of {len(X_train)}; use a smaller one")
    order = streams["train data"].permutation(len(X_train))
    val, train = order[:n_val], np.sort(order[n_val:])
    X_val, y_val = X_train[val], y_train[val]
    X_train, y_train = X_train[train], y_train[train]
    if config.model == "cnn" and image_shape is None:
        raise ConfigError(f"--model cnn needs square images; {config.data!r} has {X_train.shape[1]} features "
                          "per row (use --model mlp)")
    dtype = np.dtype(config.dtype)
    mean = std = None
    if standardize:
        mean, std = feature_statistics(X_train / scale)

    def shape(X):
        X = (X / dtype.type(scale)).astype(dtype, copy=False)
        if standardize:
            X = ((X - mean) / std).astype(dtype, copy=False)
        return X.reshape(len(X), 1, *image_shape) if config.model == "cnn" else X.reshape(len(X), -1)

    return Split(shape(X_train), y_train, shape(X_test), y_test, test_source,
                 shape(X_val) if n_val else None, y_val if n_val else None, classes, image_shape, scale, mean, std)


def feature_statistics(X):
    """(mean, std) of each column of ``X``; a constant column gets std 1, so it maps to 0."""
    mean, std = X.mean(axis=0), X.std(axis=0)
    return mean, np.where(std > 0, std, 1.0)


def make_data(config, streams):
    """Training, test (and validation) sets for ``config``, as a Split."""
    return with_features(config, source(config.dataset).split(config, streams))
