"""What the fuzz tests and ``scripts/fuzz.py`` share: a valid file of every format, ways to damage it, and
the property every reader must keep.

Each target starts from a file backproplab writes and mutates it: bytes flipped,
inserted or cut, a header's sizes and type codes changed, a JSON document's values
swapped for others of any type, keys dropped or added. The property: a reader returns,
or raises backproplab's own error with a one-line message; nothing else, and within
a time bound (a hang would be caught by an alarm).
"""

import gzip
import io
import json
import os
import signal
import struct
import tempfile
import zipfile
from contextlib import contextmanager

import numpy as np
from hypothesis import strategies as st

from backproplab import Linear, ReLU, Sequential, save_model
from backproplab.errors import BackproplabError

SECONDS = 20  # far beyond any reader's time on these small files: only a hang reaches it

# --- the property ---------------------------------------------------------------------------


class Hang(Exception):
    pass


@contextmanager
def alarm(seconds=SECONDS):
    def ring(*_):
        raise Hang(f"no answer in {seconds} s")
    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def outcome(read, *args):
    """'ok' or 'refused' when ``read(*args)`` keeps the property; else the exception it raised, re-raised."""
    with alarm():
        try:
            read(*args)
        except BackproplabError as e:
            assert "\n" not in str(e) and str(e).strip(), f"not one line: {e!r}"
            return "refused"
    return "ok"


# --- mutations of bytes and of JSON ---------------------------------------------------------

def byte_mutations():
    """A list of edits to a byte string: ("flip", at, byte), ("insert", at, bytes), ("cut", at)."""
    edit = st.one_of(
        st.tuples(st.just("flip"), st.integers(0, 10**6), st.integers(0, 255)),
        st.tuples(st.just("insert"), st.integers(0, 10**6), st.binary(min_size=1, max_size=16)),
        st.tuples(st.just("cut"), st.integers(0, 10**6)),
    )
    return st.lists(edit, min_size=1, max_size=4)


def mutate_bytes(data, edits):
    data = bytearray(data)
    for kind, at, *rest in edits:
        at = at % (len(data) + 1)
        if kind == "flip" and data:
            data[min(at, len(data) - 1)] = rest[0]
        elif kind == "insert":
            data[at:at] = rest[0]
        elif kind == "cut":
            del data[at:]
    return bytes(data)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=True)
    | st.text(max_size=8) | st.sampled_from([0, -1, 1e308, float("inf"), "", "nan"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)


def json_mutations():
    """A list of edits to a JSON document: ("set", path choice, value), ("drop", path choice), ("add", key, value)."""
    edit = st.one_of(
        st.tuples(st.just("set"), st.integers(0, 10**6), JSON_VALUES),
        st.tuples(st.just("drop"), st.integers(0, 10**6)),
        st.tuples(st.just("add"), st.integers(0, 10**6), st.text(max_size=6), JSON_VALUES),
    )
    return st.lists(edit, min_size=1, max_size=3)


def _places(document):
    """Every (container, key) inside ``document``, in a fixed order."""
    found, stack = [], [document]
    while stack:
        value = stack.pop()
        keys = list(value) if isinstance(value, dict) else range(len(value)) if isinstance(value, list) else []
        for key in keys:
            found.append((value, key))
            stack.append(value[key])
    return found


def mutate_json(document, edits):
    document = json.loads(json.dumps(document))
    for kind, choice, *rest in edits:
        places = _places(document)
        if not places:
            return rest[-1] if kind != "drop" else document
        container, key = places[choice % len(places)]
        if kind == "set":
            container[key] = rest[0]
        elif kind == "drop":
            del container[key]
        elif isinstance(container, dict):
            container[rest[0]] = rest[1]
        else:
            container.insert(key, rest[1])
    return document


def dumped(document):
    return json.dumps(document, allow_nan=True).encode()


# --- valid files ----------------------------------------------------------------------------

def idx_bytes(array, compress=False):
    codes = {np.dtype(">u1"): 0x08, np.dtype(">f4"): 0x0D, np.dtype(">i4"): 0x0C}
    big = array.astype(array.dtype.newbyteorder(">"))
    data = bytes([0, 0, codes[big.dtype], array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape) + big.tobytes()
    return gzip.compress(data, mtime=0) if compress else data


def idx_header_mutations():
    """(type code, dimension count, sizes) to write over a valid IDX header."""
    return st.tuples(st.integers(0, 255), st.integers(0, 255),
                     st.lists(st.one_of(st.integers(0, 40), st.integers(0, 2**32 - 1)), max_size=4))


def with_idx_header(code, ndim, sizes):
    return bytes([0, 0, code, ndim]) + struct.pack(f">{len(sizes)}I", *sizes)


CSV_CELLS = st.one_of(st.integers(-10, 10).map(str), st.floats(allow_nan=True).map(repr),
                      st.sampled_from(["", "nan", "inf", "-inf", "1e400", "label", "x", "\"", "1,2", " 3 "]),
                      st.text(max_size=4))


def csv_rows():
    return st.lists(st.lists(CSV_CELLS, min_size=1, max_size=4), min_size=0, max_size=6)


def model_file_bytes():
    """A small model file with metadata of every field a command reads, as bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "model.npz")
        model = Sequential(Linear(2, 4, rng=0), ReLU(), Linear(4, 3, rng=1))
        save_model(model, path, metadata={"loss": "mse", "input_scale": 255.0, "class_names": ["a", "b", "c"],
                                          "feature_mean": [0.0, 1.0], "feature_std": [1.0, 2.0],
                                          "config": {"loss_args": {}}})
        with open(path, "rb") as f:
            return f.read()


def npz_members(data):
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {info.filename: z.read(info) for info in z.infolist()}


def npz_bytes(members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def record_member(document):
    buf = io.BytesIO()
    np.save(buf, np.frombuffer(dumped(document), dtype=np.uint8))
    return buf.getvalue()


def read_record_member(data):
    return json.loads(np.load(io.BytesIO(data)).tobytes())


def npy_header_mutations():
    """(shape, dtype descr) to put in an array member's .npy header, its data left as it was."""
    return st.tuples(st.lists(st.one_of(st.integers(0, 5), st.integers(0, 2**40)), max_size=3),
                     st.sampled_from(["<f8", "<f4", "<i8", "|u1", "|b1", "<c16", ">f8", "<f2"]))


def with_npy_header(data, shape, descr):
    version = np.lib.format.read_magic(io.BytesIO(data))
    member = io.BytesIO(data)
    np.lib.format.read_magic(member)
    (np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0)(member)
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": descr, "fortran_order": False, "shape": tuple(shape)})
    return buf.getvalue() + data[member.tell():]


# --- the targets: a strategy of damaged files, and the reader that must keep the property -----

SEEDS = os.path.join(os.path.dirname(__file__), "fuzz_seeds")
WORK = tempfile.mkdtemp(prefix="backproplab-fuzz-")


def _write(name, data):
    path = os.path.join(WORK, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def _seed(name):
    with open(os.path.join(SEEDS, name)) as f:
        return json.load(f)


IMAGES = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)


def _idx_files(compress):
    plain = idx_bytes(IMAGES)
    by_bytes = byte_mutations().map(lambda e: mutate_bytes(plain, e))
    by_header = idx_header_mutations().map(lambda h: with_idx_header(*h) + plain[16:])
    damaged = st.one_of(by_bytes, by_header)
    if compress:  # damage the content, then gzip it; or damage the gzip stream itself
        return st.one_of(damaged.map(lambda d: gzip.compress(d, mtime=0)),
                         byte_mutations().map(lambda e: mutate_bytes(idx_bytes(IMAGES, True), e)))
    return damaged


def read_idx_file(data):
    from backproplab.data.idx import read_idx

    read_idx(_write("images.idx", data))


CSV = b"a,b,label\n0.1,0.2,0\n0.3,0.4,1\n-0.5,2e3,1\n"


def _csv_files():
    rows = csv_rows().map(lambda rows: "\n".join(",".join(r) for r in rows).encode())
    return st.one_of(rows, byte_mutations().map(lambda e: mutate_bytes(CSV, e)),
                     rows.map(lambda body: b"a,b,label\n" + body))


def read_csv_file(data):
    from backproplab.data.csv_table import read_labelled

    path = _write("table.csv", data)
    read_labelled(path)
    read_labelled(path, 2)


def _npz_files(good, record):
    """Damaged copies of the .npz ``good``: its bytes, its JSON member ``record``, an array's .npy header."""
    members = npz_members(good)
    document = read_record_member(members[record])
    arrays = sorted(n for n in members if not n.startswith("__"))

    def with_record(edits):
        return npz_bytes({**members, record: record_member(mutate_json(document, edits))})

    def with_header(choice, header):
        name = arrays[choice % len(arrays)]
        return npz_bytes({**members, name: with_npy_header(members[name], *header)})

    return st.one_of(byte_mutations().map(lambda e: mutate_bytes(good, e)), json_mutations().map(with_record),
                     st.builds(with_header, st.integers(0, 10), npy_header_mutations()))


def read_model_file(data):
    from backproplab.model_file import load_model
    from backproplab.run.predict import prepare_inputs

    model, metadata = load_model(_write("model.npz", data))
    prepare_inputs(model, metadata, np.zeros((1, 2)))


def _checkpoint():
    from backproplab import SGD, MSELoss, fit
    from backproplab.training import Checkpoint

    model = Sequential(Linear(2, 1, rng=0))
    optimizer = SGD(model.parameters(), lr=0.1, momentum=0.9)
    path = os.path.join(WORK, "made.npz")
    fit(model, MSELoss(), optimizer, np.eye(4)[:, :2], np.array([0, 1, 0, 1]), epochs=1,
        callbacks=[Checkpoint(path, optimizer)], seed=0)
    with open(path, "rb") as f:
        return f.read()


def read_checkpoint_file(data):
    from backproplab import SGD
    from backproplab.training import read_checkpoint, restore

    model = Sequential(Linear(2, 1, rng=0))
    optimizer = SGD(model.parameters(), lr=0.1, momentum=0.9)
    record, arrays = read_checkpoint(_write("checkpoint.npz", data))
    restore(record, arrays, model, optimizer)


SPEC = {"base": {"dataset": "xor", "epochs": 3}, "vary": {"lr": [0.1, 0.2]}, "seeds": 1, "target_accuracy": 1.0,
        "title": "Sweep of lr", "question": ""}
RESULT = {"key": "lr=0.1|seed=0", "point": {"lr": 0.1}, "seed": 0, "test_accuracy": 0.52, "test_loss": 0.74,
          "train_accuracy": 0.52, "final_loss": 0.71, "epochs": 3, "seconds": 0.0008, "diverged": False,
          "diagnosis": "stuck", "epochs_to_target": None, "seconds_to_target": None, "left_target_at": None,
          "loss": [0.86, 0.70, 0.71], "accuracy": [0.47, 0.47, 0.52],
          "gradient_norms": {"epoch": [1, 2, 3], "W1": [0.01, 0.001, 0.004], "W2": [0.1, 0.02, 0.03]}}


def _sweep_folder(spec, results):
    folder = os.path.join(WORK, "sweep")
    os.makedirs(folder, exist_ok=True)
    _write("sweep/sweep.json", spec)
    _write("sweep/results.jsonl", results)
    return folder


def _results_files():
    second = {**RESULT, "key": "lr=0.2|seed=0", "point": {"lr": 0.2}}
    good = dumped(RESULT) + b"\n" + dumped(second) + b"\n"
    return st.one_of(byte_mutations().map(lambda e: mutate_bytes(good, e)),
                     json_mutations().map(lambda e: dumped(mutate_json(RESULT, e)) + b"\n" + dumped(second) + b"\n"))


def read_sweep_folder(spec, results):
    from backproplab.experiments import sentences, summarize, table
    from backproplab.report.sections import read_sweep

    spec, finished = read_sweep(_sweep_folder(spec, results))
    rows = summarize(spec, finished)
    table(spec, rows)
    sentences(spec, rows)


def read_results_file(data):
    read_sweep_folder(dumped(SPEC), dumped(RESULT) + b"\n")
    read_sweep_folder(dumped(SPEC), data)


def _spec_files():
    good = dumped(SPEC)
    return st.one_of(byte_mutations().map(lambda e: mutate_bytes(good, e)),
                     json_mutations().map(lambda e: dumped(mutate_json(SPEC, e))))


def read_spec_file(data):
    read_sweep_folder(data, dumped(RESULT) + b"\n")


TOML = b'title = "rates"\nquestion = "which?"\n[base]\ndataset = "xor"\nepochs = 3\n[vary]\nlr = [0.1, 0.2]\n' \
       b"[sweep]\nseeds = 2\n"


def _toml_value(value):
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if value is None:
        return '""'
    if isinstance(value, float) and value != value:
        return "nan"
    if isinstance(value, float) and abs(value) == float("inf"):
        return "inf" if value > 0 else "-inf"
    return json.dumps(value)


def _toml_of(document):
    lines = [f"{json.dumps(k)} = {_toml_value(v)}" for k, v in document.items() if not isinstance(v, dict)]
    for table_name, table_value in document.items():
        if isinstance(table_value, dict):
            lines.append(f"[{json.dumps(table_name)}]")
            lines += [f"{json.dumps(k)} = {_toml_value(v)}" for k, v in table_value.items()]
    return "\n".join(lines).encode()


def _toml_files():
    import tomllib

    document = tomllib.loads(TOML.decode())
    return st.one_of(byte_mutations().map(lambda e: mutate_bytes(TOML, e)),
                     json_mutations().map(lambda e: _toml_of(mutate_json(document, e))))


def read_toml_file(data):
    from backproplab.experiments import SweepSpec

    spec = SweepSpec.from_toml(_write("sweep.toml", data))
    for point in list(spec.points())[:3]:
        spec.config(point, 0)


def _run_files(name):
    good = _seed(name)
    return st.one_of(byte_mutations().map(lambda e: mutate_bytes(dumped(good), e)),
                     json_mutations().map(lambda e: dumped(mutate_json(good, e))))


def report_run(metrics, trace):
    from backproplab.report import write_report

    folder = os.path.join(WORK, "run")
    os.makedirs(folder, exist_ok=True)
    _write("run/metrics.json", metrics)
    _write("run/trace.json", trace)
    write_report(folder)


def read_metrics_file(data):
    report_run(data, dumped(_seed("trace.json")))


def read_trace_file(data):
    report_run(dumped(_seed("metrics.json")), data)


# name -> (strategy of damaged files, reader); built on first use, some take a moment
TARGETS = {
    "idx": (lambda: _idx_files(False), read_idx_file),
    "idx_gzip": (lambda: _idx_files(True), read_idx_file),
    "csv": (_csv_files, read_csv_file),
    "model_file": (lambda: _npz_files(model_file_bytes(), "__architecture__.npy"), read_model_file),
    "checkpoint": (lambda: _npz_files(_checkpoint(), "__record__.npy"), read_checkpoint_file),
    "results_jsonl": (_results_files, read_results_file),
    "sweep_json": (_spec_files, read_spec_file),
    "sweep_toml": (_toml_files, read_toml_file),
    "metrics_json": (lambda: _run_files("metrics.json"), read_metrics_file),
    "trace_json": (lambda: _run_files("trace.json"), read_trace_file),
}
