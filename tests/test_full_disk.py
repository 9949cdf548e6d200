"""A real full disk: the CLI writing onto a small tmpfs until the kernel says ENOSPC.

Each case mounts a tmpfs of a few kilobytes in a private mount namespace
(``unshare --mount --map-root-user``), for one shell command only: nothing else
on the machine sees the mount, and it goes when the command ends. What the
command left on that disk is copied out for the test to look at. The tests are
skipped, with the reason, where user namespaces or tmpfs mounts are not allowed.
"""

import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from backproplab import Linear, Sequential, load_model, save_model
from backproplab.cli import main
from backproplab.model_file import read_npz

PNG_END = b"IEND\xaeB`\x82"  # the last chunk of every whole PNG file


def on_a_small_disk(tmp_path, size, commands, inodes=None):
    """Run the shell ``commands`` with $DISK a fresh tmpfs of ``size``; return the result and a copy of the disk.

    ``inodes``: how many files and folders the disk holds, root included (tmpfs's ``nr_inodes``).

    ``$BACKPROPLAB`` in ``commands`` runs this checkout's CLI. The exit status is
    that of the last command.
    """
    copy = tmp_path / "disk-after"
    copy.mkdir()
    disk = tmp_path / "disk"
    disk.mkdir(exist_ok=True)
    options = f"size={size}" + (f",nr_inodes={inodes}" if inodes else "")
    script = ('mount -t tmpfs -o "$1" tmpfs "$2" || exit 99; DISK="$2"; '
              f'BACKPROPLAB="{sys.executable} -m backproplab"; {commands}\n'
              'status=$?; cp -a "$DISK/." "$3/"; exit $status')
    result = subprocess.run(["unshare", "--mount", "--map-root-user", "sh", "-c", script, "sh", options, str(disk),
                             str(copy)], capture_output=True, text=True, timeout=180)
    assert result.returncode != 99, result.stderr
    return result, copy


@pytest.fixture(scope="module", autouse=True)
def tmpfs_allowed(tmp_path_factory):
    """Skip the module where a private tmpfs cannot be mounted."""
    if shutil.which("unshare") is None:
        pytest.skip("needs unshare (util-linux) to mount a private tmpfs")
    probe = tmp_path_factory.mktemp("probe")
    result = subprocess.run(["unshare", "--mount", "--map-root-user", "mount", "-t", "tmpfs", "-o", "size=4k",
                             "tmpfs", str(probe)], capture_output=True, text=True, timeout=30)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a private tmpfs here: {result.stderr.strip()}")


def assert_one_line_about_space(result, *fragments):
    assert result.returncode == 2, (result.stdout, result.stderr)
    line = result.stderr.strip()
    assert "\n" not in line and "Traceback" not in line, result.stderr
    assert line.startswith("error: cannot ") and "(No space left on device); free some space" in line, line
    for fragment in fragments:
        assert fragment in line, line


def assert_every_file_whole(folder):
    """No temporary file left, and every file there complete: JSON parses, PNGs end, .npz members read."""
    for path in folder.rglob("*"):
        assert not path.name.startswith(".tmp-"), path
        if path.suffix == ".json":
            json.loads(path.read_text())
        elif path.suffix == ".png":
            assert path.read_bytes().endswith(PNG_END), path
        elif path.suffix == ".npz":
            read_npz(str(path))  # every member, checked against its header


@pytest.mark.slow
@pytest.mark.parametrize("size, refused", [
    ("8k", "metrics.json"),  # room for the model only
    ("64k", ".png"),  # the model and metrics, no figure
    ("4m", None),  # everything
])
def test_a_run_that_fills_the_disk_keeps_its_model_and_says_one_line(tmp_path, size, refused, capsys):
    result, disk = on_a_small_disk(tmp_path, size, '$BACKPROPLAB train --dataset linear --epochs 20 --out "$DISK/run"')
    run = disk / "run"
    if refused is None:
        assert result.returncode == 0, result.stderr
        assert {"model.npz", "metrics.json", "network.png", "trace.json"} <= {p.name for p in run.iterdir()}
    else:
        assert_one_line_about_space(result, refused, "the file is unchanged")
    assert_every_file_whole(disk)
    # whatever else the disk refused, the trained weights are there: those of the same run on a roomy disk
    assert main(["train", "--dataset", "linear", "--epochs", "20", "--out", str(tmp_path / "roomy")]) == 0
    (kept, _), (roomy, _) = load_model(run / "model.npz"), load_model(tmp_path / "roomy" / "model.npz")
    assert all(np.array_equal(a.data, b.data) for a, b in zip(kept.parameters(), roomy.parameters(), strict=True))
    if refused != "metrics.json":
        assert json.loads((run / "metrics.json").read_text())["epochs"] == 20


@pytest.mark.slow
@pytest.mark.parametrize("size", ["8k", "12k"])  # the disk refuses a line of results.jsonl, or a model
def test_a_sweep_that_fills_the_disk_resumes_elsewhere_to_the_same_results(tmp_path, size, capsys):
    sweep = ["sweep", "--vary", "lr=0.1,0.5", "--seeds", "2", "--epochs", "5", "--workers", "1"]
    result, disk = on_a_small_disk(tmp_path, size, f'$BACKPROPLAB {" ".join(sweep)} --out "$DISK/sweep"')
    assert_one_line_about_space(result, "continue with: backproplab sweep --resume")
    assert_every_file_whole(disk)
    kept = (disk / "sweep" / "results.jsonl").read_text().splitlines()
    assert len(kept) < 4  # the disk stopped the sweep part way

    assert main(["sweep", "--resume", str(disk / "sweep"), "--workers", "1"]) == 0
    assert main([*sweep, "--out", str(tmp_path / "roomy")]) == 0
    capsys.readouterr()
    resumed, straight = ({r["key"]: r["final_loss"] for r in map(json.loads, (folder / "results.jsonl").read_text()
                                                                    .splitlines())}
                         for folder in (disk / "sweep", tmp_path / "roomy"))
    assert len(resumed) == 4 and resumed == straight  # the runs before the full disk and after it, bit for bit


@pytest.mark.slow
def test_a_refused_overwrite_on_a_full_disk_keeps_the_old_file(tmp_path):
    save_model(Sequential(Linear(2, 1, rng=0)), tmp_path / "model.npz")
    data = tmp_path / "points.csv"
    data.write_text("\n".join(f"{x:.2f},{1 - x:.2f}" for x in np.linspace(0, 1, 500)) + "\n")
    commands = ('echo old > "$DISK/predictions.csv"; '
                'dd if=/dev/zero of="$DISK/filler" bs=4096 2>/dev/null; '  # until the disk is full
                f'$BACKPROPLAB predict --model {tmp_path / "model.npz"} --data {data} '
                '--out "$DISK/predictions.csv" --force')
    result, disk = on_a_small_disk(tmp_path, "64k", commands)
    assert_one_line_about_space(result, "predictions.csv", "the file is unchanged")
    assert (disk / "predictions.csv").read_text() == "old\n"
    assert sorted(p.name for p in disk.iterdir()) == ["filler", "predictions.csv"]  # no temporary left
    assert os.path.getsize(disk / "filler") > 0


@pytest.mark.slow
@pytest.mark.parametrize("inodes, refused", [
    (2, "output folder"),  # the sweep's folder, and nothing in it
    (3, "sweep.json"),
    (4, "models"),
    (5, "results.jsonl"),
    (6, "lr-0.1__seed-0.npz"),
])
def test_a_sweep_on_a_disk_with_no_file_left_is_one_line(tmp_path, inodes, refused):
    result, disk = on_a_small_disk(tmp_path, "4m", '$BACKPROPLAB sweep --vary lr=0.1,0.5 --seeds 1 --epochs 3 '
                                   '--workers 1 --out "$DISK/sweep"', inodes=inodes)
    line = result.stderr.strip()
    assert result.returncode == 2 and "\n" not in line and "(No space left on device)" in line, result.stderr
    assert refused in line
    # --resume is offered once there is a sweep to resume, and only then
    assert ("--resume" in line) == (disk / "sweep" / "sweep.json").is_file()
    assert_every_file_whole(disk)


@pytest.mark.slow
def test_a_disk_full_mid_training_keeps_the_last_checkpoint_and_resumes_to_the_same_weights(tmp_path, capsys):
    from backproplab.training import read_checkpoint

    rng = np.random.default_rng(0)
    data = tmp_path / "table.csv"
    rows = [",".join(f"{v:.3f}" for v in rng.random(4)) + f",{rng.integers(3)}" for _ in range(300)]
    data.write_text("a,b,c,d,label\n" + "\n".join(rows) + "\n")
    train = ["train", "--dataset", "csv", "--data", str(data), "--epochs", "3", "--hidden", "64", "64"]
    # room for one checkpoint (63 kB) but not for its replacement beside it
    result, disk = on_a_small_disk(tmp_path, "100k", f'$BACKPROPLAB {" ".join(train)} --out "$DISK/run"')
    assert_one_line_about_space(result, "checkpoint.npz", f"then continue with: backproplab train --resume {tmp_path}")
    assert_every_file_whole(disk)
    record, _ = read_checkpoint(str(disk / "run" / "checkpoint.npz"))
    assert 1 <= len(record["history"]["epoch"]) < 3  # the last checkpoint the disk took, whole

    assert main(["train", "--resume", str(disk / "run")]) == 0
    assert main([*train, "--out", str(tmp_path / "roomy")]) == 0
    capsys.readouterr()
    (resumed, _), (straight, _) = load_model(disk / "run" / "model.npz"), load_model(tmp_path / "roomy" / "model.npz")
    assert all(np.array_equal(a.data, b.data) for a, b in zip(resumed.parameters(), straight.parameters(), strict=True))
