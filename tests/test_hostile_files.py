"""Sizes refused before they are allocated, special files refused before they are opened.

Each case runs the CLI (or the reader) and asserts one line naming the value, the
limit and the fix, exit status 2 and no traceback; size cases also run with the
address space capped, so an allocation of the refused size would fail loudly instead.
"""

import gzip
import io
import json
import os
import resource
import shutil
import struct
import subprocess
import sys
import zipfile

import numpy as np
import pytest

from backproplab import ConfigError, Linear, ModelFileError, Sequential, load_model, save_model
from backproplab.data.idx import read_idx

CAP = 1_500 * 2**20  # address space of the capped child: far less than any refused size


def run_capped(*argv, env=None):
    """The CLI in a child whose address space is capped: a real allocation of a refused size fails there."""
    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (CAP, CAP))

    return subprocess.run([sys.executable, "-m", "backproplab", *argv], capture_output=True, text=True,
                          timeout=120, preexec_fn=cap, env=env)


def assert_one_line_refusal(result, *fragments):
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr
    line = result.stderr.strip()
    assert "\n" not in line and line.startswith("error: ")
    for fragment in fragments:
        assert fragment in line, line


@pytest.mark.slow
@pytest.mark.parametrize("argv, fragments", [
    (["--hidden", "100000", "100000", "100000"], ["--hidden 100000 100000 100000", "20,000,600,001 parameters",
                                                 "BACKPROPLAB_MAX_PARAMETERS"]),
    (["--dataset", "linear", "--n", "1000000000000"], ["1,000,000,000,000 generated points", "draw fewer points"]),
    (["--dataset", "spiral", "--n", "20000000"], ["20,000,000 generated points", "BACKPROPLAB_MAX_POINTS"]),
])
def test_sizes_from_options_are_refused_before_allocation(tmp_path, argv, fragments):
    out = tmp_path / "run"
    result = run_capped("train", *argv, "--epochs", "1", "--out", str(out))
    assert_one_line_refusal(result, *fragments)
    assert not out.exists()  # no empty run folder left behind


@pytest.mark.slow
def test_a_limit_can_be_raised_and_a_bad_limit_is_named(tmp_path):
    env = dict(os.environ, BACKPROPLAB_MAX_POINTS="1000")
    result = run_capped("train", "--dataset", "linear", "--n", "2000", "--out", str(tmp_path / "a"), env=env)
    assert_one_line_refusal(result, "2,000 generated points", "limit of 1,000")
    env = dict(os.environ, BACKPROPLAB_MAX_POINTS="lots")
    result = run_capped("train", "--dataset", "linear", "--out", str(tmp_path / "b"), env=env)
    assert_one_line_refusal(result, "BACKPROPLAB_MAX_POINTS must be a positive whole number, got 'lots'")


def _model_file(tmp_path, edit_arch=None, edit_zip=None):
    path = tmp_path / "model.npz"
    save_model(Sequential(Linear(2, 3, rng=0)), path)
    with zipfile.ZipFile(path) as z:
        members = {name: z.read(name) for name in z.namelist()}
    if edit_arch:
        arch = json.loads(np.load(io.BytesIO(members["__architecture__.npy"])).tobytes())
        edit_arch(arch)
        buf = io.BytesIO()
        np.save(buf, np.frombuffer(json.dumps(arch).encode(), dtype=np.uint8))
        members["__architecture__.npy"] = buf.getvalue()
    if edit_zip:
        edit_zip(members)
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


@pytest.mark.slow
def test_a_model_file_declaring_a_huge_layer_is_refused_before_building_it(tmp_path):
    path = _model_file(tmp_path, edit_arch=lambda a: a["layers"][0]["config"].update(
        in_features=10**9, out_features=10**9))
    with pytest.raises(ConfigError, match="1,000,000,000,000,000,000 parameters"):
        load_model(path)
    result = run_capped("predict", "--model", str(path), "--data", str(path))
    assert_one_line_refusal(result, "declares layers of up to", "BACKPROPLAB_MAX_PARAMETERS")


@pytest.mark.slow
def test_an_npy_header_claiming_more_than_it_holds_is_refused(tmp_path):
    def lie(members):
        header = np.lib.format.header_data_from_array_1_0(np.zeros(3))
        header["shape"] = (10**12,)
        buf = io.BytesIO()
        np.lib.format.write_array_header_1_0(buf, header)
        members["param:0.bias.npy"] = buf.getvalue() + np.zeros(3).tobytes()

    path = _model_file(tmp_path, edit_zip=lie)
    with pytest.raises(ModelFileError, match=r"claims shape \(1000000000000,\).*holds 24 bytes"):
        load_model(path)
    assert_one_line_refusal(run_capped("predict", "--model", str(path), "--data", str(path)), "is damaged")


@pytest.mark.parametrize("kind", ["fifo", "device", "folder"])
def test_special_files_are_refused_without_being_opened(tmp_path, kind):
    if kind == "fifo":
        path = tmp_path / "model.npz"
        os.mkfifo(path)  # opening it for reading would block for ever
    elif kind == "device":
        path = "/dev/zero"  # reading it never ends
    else:
        path = tmp_path / "model.npz"
        path.mkdir()
    expected = {"fifo": "is a FIFO (named pipe)", "device": "is a device or special file", "folder": "is a folder"}
    with pytest.raises((ConfigError, ModelFileError), match=expected[kind].replace("(", r"\(").replace(")", r"\)")):
        load_model(path)
    with pytest.raises(ConfigError, match=expected[kind].replace("(", r"\(").replace(")", r"\)")):
        read_idx(path)


def test_idx_dimensions_whose_product_overflows_are_refused(tmp_path):
    path = tmp_path / "labels.idx"
    # 2^32-1 per axis, four axes: the product overflows int64 to a small number
    path.write_bytes(bytes([0, 0, 0x08, 4]) + struct.pack(">4I", *[2**32 - 1] * 4) + b"\0" * 16)
    with pytest.raises(ConfigError, match=r"340,282,366,\S+ bytes .* over the limit"):
        read_idx(path)


def test_a_gzip_that_inflates_past_the_limit_is_stopped(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKPROPLAB_MAX_FILE_BYTES", str(2**20))
    path = tmp_path / "bomb.idx.gz"
    path.write_bytes(gzip.compress(bytes([0, 0, 0x08, 1]) + struct.pack(">I", 8 * 2**20) + b"\0" * (8 * 2**20)))
    assert path.stat().st_size < 2**16  # small on disk
    with pytest.raises(ConfigError, match=r"header announces shape \(8388608,\)\): .* over the limit of 1,048,576"):
        read_idx(path)


def _sweep(tmp_path, *extra):
    from backproplab.cli import main

    if extra[0] == "--resume":
        return main(["sweep", "--workers", "1", *extra])
    return main(["sweep", "--vary", "lr=0.1,0.5", "--seeds", "1", "--epochs", "5", "--workers", "1", *extra])


@pytest.mark.slow
def test_a_torn_last_line_of_results_is_set_aside_and_its_run_redone(tmp_path, capsys):
    folder = tmp_path / "sweep"
    assert _sweep(tmp_path, "--out", str(folder)) == 0
    results = folder / "results.jsonl"
    lines = results.read_text().splitlines(keepends=True)
    whole = {json.loads(line)["key"]: json.loads(line) for line in lines}
    results.write_text(lines[0] + lines[1][:25])  # killed while writing the second run
    capsys.readouterr()
    assert _sweep(tmp_path, "--resume", str(folder)) == 0
    out = capsys.readouterr().out
    assert "cut short" in out and "results.jsonl.damaged" in out
    assert (folder / "results.jsonl.damaged").read_text() == lines[1][:25] + "\n"
    again = [json.loads(line) for line in results.read_text().splitlines()]
    assert len(again) == 2 and {r["key"]: r["final_loss"] for r in again} == {
        k: r["final_loss"] for k, r in whole.items()}  # the redone run is bit-identical


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["[1, 2]\n", '{"no key": 1}\n', "not json\n"])
def test_other_damage_to_results_gets_one_line_naming_the_file_and_line(tmp_path, capsys, damage):
    folder = tmp_path / "sweep"
    assert _sweep(tmp_path, "--out", str(folder)) == 0
    results = folder / "results.jsonl"
    before = results.read_text()
    results.write_text(before + damage)
    capsys.readouterr()
    assert _sweep(tmp_path, "--resume", str(folder)) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "results.jsonl' line 3 is not a run record" in err and "--resume" in err


def test_non_finite_numbers_become_null_in_strict_json(tmp_path):
    from backproplab.atomic import write_json

    write_json(tmp_path / "m.json", {"loss": float("nan"), "curve": [1.0, float("inf")], "n": np.int64(3)})
    assert json.loads((tmp_path / "m.json").read_text()) == {"loss": None, "curve": [1.0, None], "n": 3}
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]  # no temporary file left


def test_a_refused_write_leaves_the_old_file_and_no_temporary(tmp_path):
    from backproplab.atomic import write_text

    path = tmp_path / "report.md"
    path.write_text("old")

    def fail(f):
        f.write("half")
        raise OSError(28, "No space left on device")

    from backproplab.atomic import replace_atomically

    with pytest.raises(ConfigError, match="cannot write .*No space left on device.*unchanged"):
        replace_atomically(path, fail)
    assert path.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["report.md"]
    write_text(path, "new")
    assert path.read_text() == "new"


@pytest.mark.slow
def test_a_second_run_into_a_folder_in_use_is_refused(tmp_path):
    from backproplab.outputs import lock_folder

    folder = tmp_path / "busy"
    folder.mkdir()
    lock_folder(str(folder))  # this process is "the first run"
    result = run_capped("train", "--dataset", "linear", "--epochs", "5", "--out", str(folder))
    assert_one_line_refusal(result, "another backproplab run is writing to", "choose another --out")
    assert sorted(p.name for p in folder.iterdir()) == [".backproplab-lock"]  # nothing written by the second


@pytest.mark.slow
def test_a_finished_run_leaves_no_lock_file_and_its_folder_can_be_run_into_again(tmp_path, capsys):
    from backproplab.cli import main

    folder = tmp_path / "run"
    argv = ["train", "--dataset", "linear", "--epochs", "5", "--print-every", "0", "--out", str(folder)]
    assert main(argv) == 0
    assert "metrics.json" in os.listdir(folder) and ".backproplab-lock" not in os.listdir(folder)
    assert main([*argv, "--force"]) == 0  # nothing of the first run holds it
    assert ".backproplab-lock" not in os.listdir(folder)


def test_a_released_lock_file_is_removed_only_while_it_is_ours(tmp_path):
    from backproplab.outputs import lock_folder, release_folders

    lock = tmp_path / ".backproplab-lock"
    lock_folder(str(tmp_path))
    assert lock.exists()
    release_folders()
    assert not lock.exists()
    lock_folder(str(tmp_path))
    lock.unlink()
    lock.write_text("")  # the file is another's now (a run that found ours gone and made its own)
    release_folders()
    assert lock.exists()


def test_a_lock_file_removed_before_it_was_locked_is_taken_anew(tmp_path, monkeypatch):
    import fcntl

    from backproplab.outputs import folders

    lock, real_flock, calls = tmp_path / ".backproplab-lock", fcntl.flock, []

    def flock_after_the_holder_left(f, operation):
        if not calls:  # the run that held the folder removes its lock file between our open and our lock
            lock.unlink()
            lock.write_text("")
        calls.append(operation)
        return real_flock(f, operation)

    monkeypatch.setattr(folders.fcntl, "flock", flock_after_the_holder_left)
    folders.lock_folder(str(tmp_path))
    monkeypatch.undo()
    try:
        assert len(calls) == 2  # the first lock was on the removed file, so a second one is taken
        with open(lock, "a") as other:  # a second run opening the file there now is refused
            with pytest.raises(BlockingIOError):
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        folders.release_folders()
    assert not lock.exists()


@pytest.mark.slow
@pytest.mark.parametrize("moment", ["while the workers start", "while they train"])
def test_ctrl_c_on_a_two_worker_sweep_is_one_line_and_the_resume_command(tmp_path, moment):
    import signal
    import time

    folder = tmp_path / "sweep"
    child = subprocess.Popen(
        [sys.executable, "-m", "backproplab", "sweep", "--vary", "lr=0.01,0.02,0.03,0.04", "--seeds", "4",
         "--epochs", "3000", "--dataset", "linear", "--workers", "2", "--out", str(folder)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        results = folder / "results.jsonl"
        # results.jsonl is opened just before the workers start; its first line is in once they train
        started = results.exists if moment == "while the workers start" else lambda: results.stat().st_size
        while not (results.exists() and started()) and time.monotonic() < deadline:
            time.sleep(0.01)
        os.killpg(child.pid, signal.SIGINT)  # as a terminal's Ctrl-C: every process of the group
        out, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
    assert child.returncode == 130, (out, err)
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert f"continue with: backproplab sweep --resume {folder}" in out


def _children(pid):
    """The live (not zombie) processes whose parent is ``pid``, from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat") as f:
                state, parent = f.read().rsplit(")", 1)[1].split()[:2]
        except (OSError, ValueError):
            continue  # not a process, or one that just ended
        if int(parent) == pid and state != "Z":
            found.append(int(entry))
    return found


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.slow
def test_sigterm_on_a_sweep_stops_its_workers_and_names_the_resume_command(tmp_path):
    import signal
    import time

    folder, workers = tmp_path / "sweep", []
    child = subprocess.Popen(
        [sys.executable, "-m", "backproplab", "sweep", "--vary", "epochs=5,10000000", "--seeds", "2",
         "--dataset", "linear", "--workers", "2", "--out", str(folder)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        results = folder / "results.jsonl"
        while not (results.exists() and results.stat().st_size) and time.monotonic() < deadline:
            time.sleep(0.05)  # a short run is in: the workers are on the long ones
        workers[:] = _children(child.pid)
        assert len(workers) >= 2  # the two workers (and multiprocessing's resource tracker)
        child.send_signal(signal.SIGTERM)  # to the driver alone, as kill, timeout or a batch system do
        out, err = child.communicate(timeout=60)
        deadline = time.monotonic() + 10
        while any(map(_alive, workers)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(map(_alive, workers)), "workers kept training after the sweep was terminated"
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
        for pid in filter(_alive, workers):  # whatever happens, leave no worker training for hours
            os.kill(pid, signal.SIGKILL)
    assert child.returncode == 143 and "Traceback" not in err, err
    assert f"terminated; finished runs are kept in {folder}; continue with: backproplab sweep --resume {folder}" in out


_POOL_SCRIPT = """
import multiprocessing.context, os, signal, sys, threading
from backproplab.experiments.executors import PoolExecutor, as_finished

def deaf(_):
    return (signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, []), signal.getsignal(signal.SIGINT) is signal.SIG_IGN)

if __name__ == "__main__":
    start_pool = multiprocessing.context.SpawnContext.Pool
    def start_pool_with_ctrl_c(self, *args, **kwargs):
        if sys.argv[1] == "before":
            os.kill(os.getpid(), signal.SIGINT)
        pool = start_pool(self, *args, **kwargs)
        if sys.argv[1] == "after":
            os.kill(os.getpid(), signal.SIGINT)
        return pool
    multiprocessing.context.SpawnContext.Pool = start_pool_with_ctrl_c
    threading.Thread(target=threading.Event().wait, daemon=True).start()  # as BLAS's threads
    try:
        executor = PoolExecutor(2)
    except KeyboardInterrupt:
        print("raised")
    else:
        print("workers", sorted(set(as_finished(executor, deaf, range(8)))))
        executor.shutdown()
"""


@pytest.mark.slow
@pytest.mark.parametrize("moment, expected", [
    ("before", "raised"),  # before the workers are spawned
    ("after", "raised"),  # once they are spawned, before the pool is handed over
    ("never", "workers [(True, True)]"),  # born with SIGINT blocked, then ignoring it
])
def test_a_ctrl_c_while_the_sweep_workers_start_is_raised_once_they_are_up(tmp_path, moment, expected):
    script = tmp_path / "pool.py"
    script.write_text(_POOL_SCRIPT)
    result = subprocess.run([sys.executable, str(script), moment], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert result.stdout.strip() == expected


def _csv(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return str(path)


def test_a_byte_order_mark_is_skipped_not_taken_for_a_header(tmp_path):
    from backproplab.data.csv_table import read_table

    header, X = read_table(_csv(tmp_path, "\ufeff0.1,0.2\n0.3,0.4\n"))
    assert header is None and X.tolist() == [[0.1, 0.2], [0.3, 0.4]]  # both rows kept
    header, X = read_table(_csv(tmp_path, "\ufeffx,y\n1,2\n", "h.csv"))
    assert header == ["x", "y"] and X.tolist() == [[1.0, 2.0]]


def test_extreme_features_are_refused_without_warnings(tmp_path):
    from backproplab.data.csv_table import read_table

    with pytest.raises(ConfigError, match=r"holds 1e\+308 \(line 2, column 1\).*rescale that column"):
        read_table(_csv(tmp_path, "0.1,0.2\n1e308,0.4\n"))  # the suite turns any RuntimeWarning into an error


def test_a_huge_label_is_refused_before_its_classes_are_built(tmp_path):
    from backproplab.data.csv_table import read_labelled

    path = _csv(tmp_path, "x,y,label\n0.1,0.2,0\n0.3,0.4,1000000000\n")
    with pytest.raises(ConfigError, match=r"label 1000000000 means: 1,000,000,001 classes, over the limit"):
        read_labelled(path)


@pytest.mark.slow
def test_special_data_files_are_refused(tmp_path):
    from backproplab.data.csv_table import read_table

    fifo = tmp_path / "data.csv"
    os.mkfifo(fifo)
    with pytest.raises(ConfigError, match="is a FIFO"):
        read_table(str(fifo))
    result = run_capped("train", "--dataset", "csv", "--data", "/dev/zero", "--out", str(tmp_path / "run"))
    assert_one_line_refusal(result, "'/dev/zero' is a device or special file")


@pytest.mark.slow
def test_predict_refuses_a_model_with_non_finite_weights(tmp_path):
    model = Sequential(Linear(2, 1, rng=0))
    model[0].weight.data[0, 0] = np.nan
    save_model(model, tmp_path / "model.npz")
    result = run_capped("predict", "--model", str(tmp_path / "model.npz"), "--data", _csv(tmp_path, "0.1,0.2\n"))
    assert_one_line_refusal(result, "0.weight hold NaN or inf", "train it again")


def test_idx_labels_stored_as_floats_are_refused(tmp_path):
    from backproplab.data.idx import write_idx
    from backproplab.data.images import IMAGE_SETS, load_image_set

    folder = tmp_path / "mnist"
    folder.mkdir()
    files = IMAGE_SETS["mnist"].files
    for role, (name, _) in files.items():
        array = np.zeros((3, 28, 28), np.uint8) if "images" in role else np.array([0.0, 1.5, 2.0])
        write_idx(folder / name[:-3], array)  # uncompressed, beside where the .gz would be
    with pytest.raises(ConfigError, match="stores its labels as float64, not integers"):
        load_image_set("mnist", str(folder), download_missing=False)


@pytest.mark.slow
def test_every_output_file_gets_the_permissions_a_plain_open_would_give(tmp_path):
    from backproplab.cli import main

    mask = os.umask(0o022)
    try:
        assert main(["train", "--dataset", "linear", "--epochs", "20", "--out", str(tmp_path / "run")]) == 0
    finally:
        os.umask(mask)
    modes = {p.name: p.stat().st_mode & 0o777 for p in (tmp_path / "run").iterdir() if not p.name.startswith(".")}
    assert "model.npz" in modes and "metrics.json" in modes and "learning_curve.png" in modes
    assert set(modes.values()) == {0o644}, modes


def _checkpointed_run(tmp_path):
    """A two-epoch CSV run whose checkpoint the tests then damage."""
    from backproplab.cli import main

    rows = "\n".join(f"{i % 7 / 7:.3f},{i % 5 / 5:.3f},{i % 2}" for i in range(60))
    data = _csv(tmp_path, "a,b,label\n" + rows + "\n")
    folder = tmp_path / "run"
    assert main(["train", "--dataset", "csv", "--data", data, "--epochs", "2", "--out", str(folder)]) == 0
    return folder


def _rewrite_record(path, edit):
    from backproplab.model_file import read_npz, write_npz_atomically

    arrays = read_npz(str(path))
    record = json.loads(bytes(arrays["__record__"]).decode())
    edit(record)
    arrays["__record__"] = np.frombuffer(json.dumps(record).encode(), dtype=np.uint8)
    write_npz_atomically(str(path), arrays)


@pytest.mark.slow
@pytest.mark.parametrize("damage, message", [
    (lambda r: r.pop("rngs"), "has no valid 'rngs'"),
    (lambda r: r.pop("history"), "has no valid 'history'"),
    (lambda r: r["history"].pop("epoch"), "lists no epochs"),
    (lambda r: r["rngs"][0].update(bit_generator="NotAGenerator"), "does not fit this run or is damaged"),
    (lambda r: r["optimizer"].update(param_groups=[]), "does not fit this run or is damaged"),
])
def test_a_damaged_checkpoint_gets_one_line(tmp_path, capsys, damage, message):
    from backproplab.cli import main

    folder = _checkpointed_run(tmp_path)
    checkpoint = next(p for p in folder.iterdir() if p.name.startswith("checkpoint"))
    _rewrite_record(checkpoint, damage)
    capsys.readouterr()
    assert main(["train", "--resume", str(folder)]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and message in err and "Traceback" not in err, err


@pytest.mark.slow
def test_a_cnn_batch_too_large_for_memory_is_refused_before_training(tmp_path):
    rows = "\n".join(",".join(["1"] + [str((i * j) % 256) for j in range(784)]) for i in range(64))
    rows += "\n" + "\n".join(",".join(["0"] + [str((i + j) % 256) for j in range(784)]) for i in range(64))
    data = _csv(tmp_path, "label," + ",".join(f"p{j}" for j in range(784)) + "\n" + rows + "\n")
    env = dict(os.environ, BACKPROPLAB_MAX_BATCH_BYTES=str(2**20))  # so that a small file shows it
    result = run_capped("train", "--dataset", "csv", "--data", data, "--model", "cnn", "--batch-size", "100",
                        "--epochs", "1", "--out", str(tmp_path / "run"), env=env)
    assert_one_line_refusal(result, "--batch-size 100", "bytes of activations for one batch", "smaller --batch-size")


@pytest.mark.slow
@pytest.mark.parametrize("argv, fragments", [
    (["--vary", "lr=0.1,0.2", "--seeds", "1000000000"], ["(2 settings x 1000000000 seeds): 2,000,000,000 runs",
                                                         "BACKPROPLAB_MAX_RUNS"]),
    (["--vary", "lr=0.1,0.10,0.2"], ["--vary lr lists 0.1 more than once; give each value once"]),
    (["/dev/zero"], ["sweep file '/dev/zero' is a device or special file"]),
])
def test_sweeps_too_large_duplicated_or_special_are_refused(tmp_path, argv, fragments):
    result = run_capped("sweep", *argv, "--out", str(tmp_path / "sweep"))
    assert_one_line_refusal(result, *fragments)
    assert not (tmp_path / "sweep").exists()


@pytest.mark.slow
def test_a_toml_grid_of_a_million_settings_is_refused_before_it_is_built(tmp_path):
    values = ", ".join(str(v) for v in range(1, 101))
    path = tmp_path / "big.toml"
    path.write_text(f"[vary]\nepochs = [{values}]\nprint_every = [{values}]\nstep_size = [{values}]\n")
    result = run_capped("sweep", str(path), "--out", str(tmp_path / "sweep"))
    assert_one_line_refusal(result, "(100 x 100 x 100 settings x 5 seeds): 5,000,000 runs")


@pytest.mark.slow
def test_a_truncated_sweep_json_gets_one_line(tmp_path, capsys):
    from backproplab.cli import main

    folder = tmp_path / "sweep"
    assert _sweep(tmp_path, "--out", str(folder)) == 0
    spec = folder / "sweep.json"
    spec.write_text(spec.read_text()[:30])
    capsys.readouterr()
    assert main(["sweep", "--resume", str(folder)]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "sweep.json' is damaged" in err and "new --out" in err


@pytest.mark.parametrize("argv, message", [
    (["--conv", "32", "64"], "--conv applies to --model cnn, not mlp"),
    (["--conv", "8"], "--conv applies to --model cnn, not mlp"),
    (["--noise", "0"], "--noise applies to"),
    (["--label-column", "label"], "--label-column applies to csv-points and csv, not xor"),
    (["--download"], None),  # not an option: argparse's own one line
])
def test_options_that_do_not_apply_are_refused_even_at_their_default(tmp_path, capsys, argv, message):
    from backproplab.cli import main

    with pytest.raises(SystemExit) if message is None else _no_exit():
        code = main(["train", "--dataset", "xor", *argv, "--epochs", "1", "--out", str(tmp_path / "run")])
        assert code == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and (message is None or message in err), err
    assert not (tmp_path / "run").exists()


class _no_exit:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    """A short run's folder, for tests that damage a copy of it."""
    from backproplab.cli import main

    folder = tmp_path_factory.mktemp("finished") / "run"
    assert main(["train", "--dataset", "linear", "--epochs", "5", "--out", str(folder)]) == 0
    return folder


def _drop_config(path):
    metrics = json.loads(path.read_text())
    del metrics["config"]
    path.write_text(json.dumps(metrics))


@pytest.mark.slow
@pytest.mark.parametrize("name, damage, message", [
    ("metrics.json", lambda p: p.write_text(p.read_text()[:100]), "metrics.json' is damaged: not valid JSON (Unterminated string"),
    ("trace.json", lambda p: p.write_text(p.read_text()[:100]), "trace.json' is damaged"),
    ("metrics.json", _drop_config, "metrics.json' has no 'config'; remove the file, or train again"),
    ("learning_curve.png", lambda p: (p.unlink(), os.mkfifo(p)), "learning_curve.png' is a FIFO (named pipe)"),
    ("metrics.json", lambda p: p.write_bytes(b"\xff\xfe{}"), "metrics.json' is damaged: not UTF-8 text (invalid start byte)"),
])
def test_a_report_on_a_damaged_run_is_one_line(tmp_path, finished_run, name, damage, message):
    folder = tmp_path / "run"
    shutil.copytree(finished_run, folder)
    damage(folder / name)
    result = run_capped("report", str(folder))  # a FIFO read would hang until the timeout
    assert_one_line_refusal(result, message)
    assert not (folder / "report.html").exists()


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_a_results_file_that_is_not_a_file_is_refused_unread(tmp_path, kind):
    folder = tmp_path / "sweep"
    assert _sweep(tmp_path, "--out", str(folder)) == 0
    results = folder / "results.jsonl"
    results.unlink()
    if kind == "fifo":
        os.mkfifo(results)  # reading it would wait for a writer for ever
    else:
        results.mkdir()
    expected = "is a FIFO (named pipe)" if kind == "fifo" else "is a folder"
    for argv in (["sweep", "--resume", str(folder)], ["report", str(folder)]):
        assert_one_line_refusal(run_capped(*argv), f"results file '{results}' {expected}", "move it out of")


@pytest.mark.slow
def test_a_file_where_a_sweep_keeps_its_models_is_one_line(tmp_path):
    folder = tmp_path / "sweep"
    assert _sweep(tmp_path, "--out", str(folder)) == 0
    results = folder / "results.jsonl"
    results.write_text(results.read_text().splitlines(keepends=True)[0])  # one run to do again
    shutil.rmtree(folder / "models")
    (folder / "models").write_text("not a folder")
    result = run_capped("sweep", "--resume", str(folder))
    assert_one_line_refusal(result, f"cannot make the folder '{folder / 'models'}' (File exists)",
                            "continue with: backproplab sweep --resume")


@pytest.mark.parametrize("toml, message", [
    ("vary = 3\n", "a sweep's [vary] must be a table of options such as lr = [0.1, 0.5], got 3"),
    ("base = [1]\n[vary]\nlr = [0.1]\n", "a sweep's [base] must be a table of options such as epochs = 100"),
    ("[vary]\nlr = 0.1\n", "[vary] lr must be a list of values, got 0.1; put the values in brackets: lr = [...]"),
    ("[vary]\nlr = {a = 1}\n", "[vary] lr must be a list of values, got {'a': 1}"),
    ("title = 3\n[vary]\nlr = [0.1]\n", "a sweep's title must be text in quotes, got 3"),
    ("question = [1]\n[vary]\nlr = [0.1]\n", "a sweep's question must be text in quotes, got [1]"),
    ("sweep = 1\n[vary]\nlr = [0.1]\n", "[sweep] takes seeds and target_accuracy, got 1"),
    ("[sweep]\nbase = {epochs = 1}\n[vary]\nlr = [0.1]\n", "[sweep] takes seeds and target_accuracy, got {'base'"),
])
def test_a_sweep_file_of_the_wrong_shape_is_one_line(tmp_path, capsys, toml, message):
    from backproplab.cli import main

    path = tmp_path / "sweep.toml"
    path.write_text(toml)
    assert main(["sweep", str(path), "--out", str(tmp_path / "sweep")]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and message in err, err
    assert not (tmp_path / "sweep").exists()


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_an_output_that_is_a_fifo_or_device_is_refused_not_replaced(tmp_path, kind):
    import stat

    target = tmp_path / "predictions.csv"
    if kind == "fifo":
        os.mkfifo(target)
    else:
        try:
            os.mknod(target, stat.S_IFCHR | 0o644, os.makedev(1, 3))  # a /dev/null of its own
        except PermissionError:
            pytest.skip("making a device node needs root (CAP_MKNOD)")
    save_model(Sequential(Linear(2, 1, rng=0)), tmp_path / "model.npz")
    # --force allows replacing a file; renaming over /dev/null as root would replace the device for everyone
    result = run_capped("predict", "--model", str(tmp_path / "model.npz"), "--data", _csv(tmp_path, "0.1,0.2\n"),
                        "--out", str(target), "--force")
    expected = "a FIFO (named pipe)" if kind == "fifo" else "a device or special file"
    assert_one_line_refusal(result, f"output '{target}' is {expected}, not a regular file")
    mode = target.stat().st_mode
    assert stat.S_ISFIFO(mode) if kind == "fifo" else stat.S_ISCHR(mode)  # still what it was


@pytest.mark.slow
def test_an_epoch_count_beyond_the_limit_is_refused():
    # 10^20 epochs would run until stopped, its history growing every epoch
    assert_one_line_refusal(run_capped("train", "--epochs", str(10**20)), "--epochs must be an integer >= 1 and <= 10,000,000",
                            str(10**20))


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_a_data_file_that_is_not_a_file_is_named_unread(tmp_path, kind):
    folder = tmp_path / "mnist"
    folder.mkdir()
    path = folder / "train-images-idx3-ubyte.gz"
    os.mkfifo(path) if kind == "fifo" else path.mkdir()
    result = run_capped("train", "--dataset", "mnist", "--data-dir", str(tmp_path), "--no-download",
                        "--epochs", "1", "--out", str(tmp_path / "run"))
    what = "is a FIFO (named pipe)" if kind == "fifo" else "is a folder"
    assert_one_line_refusal(result, f"data file '{path}' {what}", "remove it and put the train-images")


@pytest.mark.slow
def test_a_base_value_of_the_wrong_kind_names_the_base_table(tmp_path):
    path = tmp_path / "sweep.toml"
    path.write_text("[base]\nhidden = {a = 1}\n[vary]\nlr = [0.1]\n")
    result = run_capped("sweep", str(path), "--out", str(tmp_path / "sweep"))
    assert_one_line_refusal(result, "[base] hidden: {'a': 1} is not a width such as 8 or 8-8")
    assert not (tmp_path / "sweep").exists()
