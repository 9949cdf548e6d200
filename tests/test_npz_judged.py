"""Model files and checkpoints are judged from their zip directory and .npy headers before anything is inflated.

The hostile file here is small on disk (a few MB) but holds a member that inflates
to 3 GiB: refused by its name or its header, it costs neither the time nor the
memory of inflating it.
"""

import io
import json
import resource
import struct
import subprocess
import sys
import zipfile
import zlib

import numpy as np
import pytest

from backproplab import Linear, ModelFileError, Sequential, load_model, save_model
from backproplab.model_file import read_npz

HUGE = 3 * 2**30  # bytes the hostile member inflates to
CAP = 1_500 * 2**20  # address space of the capped child: less than the hostile member


def _npy_header(shape, descr="<f8"):
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": descr, "fortran_order": False, "shape": shape})
    return buf.getvalue()


def _deflated_zeros(header, size):
    """Raw deflate of ``header`` then ``size`` zero bytes, built from one repeated block (fast).

    Each 16 MiB block is flushed in full, so the compressed block repeats exactly.
    """
    chunk = 1 << 24
    c = zlib.compressobj(1, zlib.DEFLATED, -15)
    out = [c.compress(header) + c.flush(zlib.Z_FULL_FLUSH)]
    block = c.compress(bytes(chunk)) + c.flush(zlib.Z_FULL_FLUSH)
    out += [block] * (size // chunk)
    return b"".join(out) + c.flush()


def _zip(path, members):
    """A zip of ``members``: (name, deflated bytes, inflated size, crc), written field by field.

    The hostile member's CRC is left 0: computing it would cost seconds, and a reader
    that meets the mismatch has already inflated the 3 GiB this test forbids.
    """
    local, central = io.BytesIO(), io.BytesIO()
    for name, data, size, crc in members:
        offset, encoded = local.tell(), name.encode()
        local.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), size,
                                len(encoded), 0) + encoded + data)
        central.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(data), size,
                                  len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), central.tell(), local.tell(), 0)
    path.write_bytes(local.getvalue() + central.getvalue() + end)
    return path


def _hostile_model(tmp_path, name, shape):
    """A real model file plus (or with its ``name`` replaced by) a member claiming ``shape`` of float64."""
    good = tmp_path / "good.npz"
    save_model(Sequential(Linear(2, 3, rng=0)), good)
    members = []
    with zipfile.ZipFile(good) as z:
        for info in z.infolist():
            if info.filename != name + ".npy":
                raw = z.read(info)
                c = zlib.compressobj(6, zlib.DEFLATED, -15)
                members.append((info.filename, c.compress(raw) + c.flush(), len(raw), zlib.crc32(raw)))
    header = _npy_header(shape)
    size = int(np.prod(shape)) * 8
    members.append((name + ".npy", _deflated_zeros(header, size), len(header) + size, 0))
    return _zip(tmp_path / "hostile.npz", members)


@pytest.mark.parametrize("name, message", [
    ("extra", "holds 1 array(s) not in it, such as 'extra' (refused unread)"),
    ("param:0.weight", "'param:0.weight' is float64 of shape (402653184,), where shape (3, 2)"),
])
def test_a_small_file_declaring_a_huge_member_is_refused_before_it_is_inflated(tmp_path, name, message):
    path = _hostile_model(tmp_path, name, (HUGE // 8,))
    assert path.stat().st_size < 20 * 2**20
    with pytest.raises(ModelFileError) as refused:
        load_model(path)
    assert message in str(refused.value) and "\n" not in str(refused.value)


def test_every_member_of_a_genuine_file_is_read_exactly(tmp_path):
    model = Sequential(Linear(2, 3, rng=0))
    save_model(model, tmp_path / "m.npz")
    arrays = read_npz(tmp_path / "m.npz")
    assert np.array_equal(arrays["param:0.weight"], model[0].weight.data)
    assert json.loads(arrays["__architecture__"].tobytes())["layers"][0]["type"] == "Linear"
    arrays["param:0.weight"][0, 0] = 1.0  # writable, as np.load gives it


@pytest.mark.slow
@pytest.mark.parametrize("name", ["extra", "param:0.weight"])
def test_predict_refuses_the_hostile_file_in_one_line_under_a_memory_cap(tmp_path, name):
    path = _hostile_model(tmp_path, name, (HUGE // 8,))
    data = tmp_path / "x.csv"
    data.write_text("0.1,0.2\n")
    result = subprocess.run([sys.executable, "-m", "backproplab", "predict", "--model", str(path), "--data", str(data)],
                            capture_output=True, text=True, timeout=60,
                            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (CAP, CAP)))
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "does not match its architecture" in lines[0], result.stderr


def _checkpoint(tmp_path):
    from backproplab import SGD, MSELoss, fit
    from backproplab.training import Checkpoint

    model = Sequential(Linear(2, 1, rng=0))
    optimizer = SGD(model.parameters(), lr=0.1, momentum=0.9)
    path = tmp_path / "checkpoint.npz"
    X, y = np.eye(4)[:, :2], np.array([0, 1, 0, 1])
    fit(model, MSELoss(), optimizer, X, y, epochs=1, callbacks=[Checkpoint(path, optimizer)], seed=0)
    return path, model, optimizer


def test_a_checkpoint_member_the_run_does_not_have_is_refused_unread(tmp_path):
    from backproplab.training import read_checkpoint, restore

    path, model, optimizer = _checkpoint(tmp_path)
    record, arrays = read_checkpoint(path)
    assert restore(record, arrays, model, optimizer).epochs == 1  # the genuine file resumes
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("optimizer:7.velocity.npy", _npy_header((HUGE // 8,)))  # claims 3 GiB, holds none
    record, arrays = read_checkpoint(path)
    with pytest.raises(ModelFileError, match=r"does not match this run: .*'optimizer:7.velocity' \(refused unread\)"):
        restore(record, arrays, model, optimizer)


def _with_metadata(tmp_path, metadata, arch_edit=None):
    """A 2-3 model file whose architecture record carries ``metadata`` (and ``arch_edit``'s changes)."""
    from backproplab.model_file import write_npz_atomically

    path = tmp_path / "m.npz"
    save_model(Sequential(Linear(2, 3, rng=0)), path, metadata=metadata)
    arrays = read_npz(path)
    arch = json.loads(arrays["__architecture__"].tobytes())
    (arch_edit or (lambda a: None))(arch)
    arrays["__architecture__"] = np.frombuffer(json.dumps(arch).encode(), dtype=np.uint8)
    write_npz_atomically(str(path), arrays)
    return path


@pytest.mark.parametrize("metadata, field", [
    ({"input_scale": 0}, "'input_scale' must be a finite number > 0, got 0"),
    ({"input_scale": "255"}, "'input_scale' must be a finite number > 0, got '255'"),
    ({"image_shape": [28]}, "'image_shape' must be null or [height, width]"),
    ({"class_names": ["a", "b"]}, "'class_names' must be a list of at least 3 names"),
    ({"class_names": "abc"}, "'class_names' must be a list"),
    ({"feature_mean": [0, 0], "feature_std": [1, 0]}, "'feature_std' must be a list of 2 finite numbers > 0"),
    ({"feature_mean": [0], "feature_std": [1]}, "'feature_mean' must be a list of 2 finite numbers"),
    ({"loss": "hinge"}, "'loss' must be one of"),
    ({"loss": ["mse"]}, "'loss' must be one of"),
    ({"config": []}, "'config' must be an object"),
    ({"config": {"loss_args": 3}}, "'config.loss_args' must be an object"),
    ({"input_square": [1, -1]}, "'input_square' must be [low, high] with low < high"),
    ({"features": [1, 2]}, "'features' must be a list of feature names"),
    ({"regression": "yes"}, "'regression' must be true or false"),
    ({"placement": [0, 1]}, "'placement' must be an object of low, high and square"),
    ({"placement": {"low": [0], "high": [1, 1], "square": 5}}, "'placement.low' must be a list of 2 finite numbers"),
    ({"placement": {"low": [0, 0], "high": [1, -1], "square": 5}}, "'placement' must be low <= high in each column"),
    ({"placement": {"low": [0, 0], "high": [1, 1], "square": 0}}, "'placement.square' must be a finite number > 0"),
])
def test_every_metadata_field_a_command_reads_is_checked_on_loading(tmp_path, metadata, field):
    with pytest.raises(ModelFileError) as refused:
        load_model(_with_metadata(tmp_path, metadata))
    assert field in str(refused.value) and "give a model file written by backproplab" in str(refused.value)


@pytest.mark.parametrize("edit, field", [
    (lambda a: a.update(layers=[]), "'layers' must be a list of 1 to 1,000 layers"),
    (lambda a: a.update(layers="Linear"), "'layers' must be a list"),
    (lambda a: a["layers"].__setitem__(0, ["Linear"]), "layer 0 must be an object with a 'type' name"),
    (lambda a: a["layers"][0].update(config=None), "layer 0 must be an object"),
    (lambda a: a.update(sequential="yes"), "'sequential' must be true, or false for a single layer"),
    (lambda a: a.update(metadata=[]), "'metadata' must be an object"),
    (lambda a: a["layers"][0]["config"].update(in_features=2.5), "unknown or invalid layer"),
    (lambda a: a["layers"][0]["config"].update(in_features=-2), "unknown or invalid layer"),
    (lambda a: a.update(metadata={"deep": json.loads("[" * 100 + "]" * 100)}), "is nested"),
])
def test_every_architecture_field_is_checked_before_a_layer_is_built(tmp_path, edit, field):
    with pytest.raises((ModelFileError, ValueError)) as refused:
        load_model(_with_metadata(tmp_path, {}, edit))
    assert field in str(refused.value) and "\n" not in str(refused.value)


def test_a_genuine_file_with_every_metadata_field_loads(tmp_path):
    metadata = {"input_scale": 255.0, "image_shape": None, "class_names": ["a", "b", "c"], "loss": "cross_entropy",
                "feature_mean": [0.5, -1.0], "feature_std": [2.0, 0.1], "config": {"loss_args": {}},
                "placement": {"low": [1.5, -2.0], "high": [8.0, -2.0], "square": 5.0}}
    _, loaded = load_model(_with_metadata(tmp_path, metadata))
    assert loaded == metadata
