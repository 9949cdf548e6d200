"""Memory follows the work, not the limits: every image command on the real data runs with its address
space capped at 2 GiB (as ``ulimit -v 2097152`` caps it), and memory that cannot be had is one line
naming the size and the limit's variable, never a traceback.

Each command runs in a child whose RLIMIT_AS is set before it starts; a read that reserved a limit
(4 GiB for a data file) would fail there at once.
"""

import os
import resource
import subprocess
import sys
import zlib

import numpy as np
import pytest

pytestmark = pytest.mark.slow

CAP = 2 * 2**30  # ulimit -v 2097152


def run_capped(argv, cwd, data=None, cap=CAP):
    """``backproplab *argv`` in a child whose address space is capped at ``cap`` bytes."""
    def limit_memory():
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    env = {k: v for k, v in os.environ.items() if k != "BACKPROPLAB_DATA"}
    env.update({"BACKPROPLAB_DATA": data} if data else {})
    return subprocess.run([sys.executable, "-m", "backproplab", *argv], capture_output=True, text=True, cwd=cwd,
                          timeout=600, preexec_fn=limit_memory, env=env)


def assert_ran(done):
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr, done.stderr


def test_every_image_command_runs_on_the_real_data_within_2_gib(tmp_path, real_data):
    few = ["--n", "400", "--test-size", "300", "--epochs", "1"]  # a few batches of the recipe, on the real files
    assert_ran(run_capped(["train", "--dataset", "mnist", *few, "--out", "mlp"], tmp_path, real_data))
    assert_ran(run_capped(["train", "--dataset", "fashion-mnist", "--model", "cnn", *few, "--out", "cnn"],
                          tmp_path, real_data))
    for run in ("mlp", "cnn"):
        assert (tmp_path / run / "model.npz").is_file() and (tmp_path / run / "checkpoint.npz").is_file()

    # a resumed run reads its checkpoint and the data again
    assert_ran(run_capped(["train", "--resume", "cnn"], tmp_path, real_data))

    from backproplab.data.idx import read_idx
    images = read_idx(f"{real_data}/mnist/t10k-images-idx3-ubyte.gz")[:20].reshape(20, -1)
    np.savetxt(tmp_path / "digits.csv", images, fmt="%d", delimiter=",")
    predicted = run_capped(["predict", "--model", "mlp/model.npz", "--data", "digits.csv"], tmp_path)
    assert_ran(predicted)
    assert len([line for line in predicted.stdout.splitlines() if "| class " in line]) == 20

    for run in ("mlp", "cnn"):
        assert_ran(run_capped(["report", run], tmp_path))
        assert (tmp_path / run / "report.html").is_file()

    traced = run_capped(["trace", "--model-file", "cnn/model.npz", "--dataset", "fashion-mnist"], tmp_path, real_data)
    assert_ran(traced)
    assert "loss after the update" in traced.stdout
    assert_ran(run_capped(["trace", "--dataset", "mnist", "--n", "300", "--steps", "1"], tmp_path, real_data))

    swept = run_capped(["sweep", "--dataset", "mnist", *few, "--seeds", "1", "--vary", "lr=0.001,0.01",
                        "--workers", "2", "--out", "sweep"], tmp_path, real_data)
    assert_ran(swept)
    assert (tmp_path / "sweep" / "results.jsonl").read_text().count("\n") == 2


def _inflating_to(path, header, size):
    """A gzip file of ``header`` then ``size`` zero bytes, its trailer true: a few kilobytes per gigabyte."""
    deflate = zlib.compressobj(1, zlib.DEFLATED, 31)
    with open(path, "wb") as f:
        f.write(deflate.compress(header))
        block = bytes(1 << 24)
        for start in range(0, size, len(block)):
            f.write(deflate.compress(block[:size - start]))
        f.write(deflate.flush())


def test_memory_that_cannot_be_had_is_one_line_naming_the_size_and_the_variable(tmp_path):
    """A gzip IDX whose 1.2 GB of values are really there, under a 700 MiB cap: the read fails for want
    of memory, and says so in one line."""
    values = 40_000 * 30_000
    path = tmp_path / "huge-idx3-ubyte.gz"
    _inflating_to(path, bytes([0, 0, 8, 2]) + (40_000).to_bytes(4, "big") + (30_000).to_bytes(4, "big"), values)
    script = ("import sys\nfrom backproplab import ConfigError\nfrom backproplab.data.idx import read_idx\n"
              "try:\n    read_idx(sys.argv[1])\nexcept ConfigError as e:\n    print(e)\n")

    def limit_memory():
        resource.setrlimit(resource.RLIMIT_AS, (700 * 2**20, 700 * 2**20))

    done = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, timeout=300,
                          preexec_fn=limit_memory)
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    line = done.stdout.strip()
    assert "\n" not in line and f"the {values:,} bytes it needs could not be had" in line, line
    assert "BACKPROPLAB_MAX_FILE_BYTES" in line and "ulimit -v" in line

