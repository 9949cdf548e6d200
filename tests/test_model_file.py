import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backproplab import ConfigError, ModelFileError, load_model, save_model
from backproplab.nn import (
    BatchNorm1d, BatchNorm2d, Conv2d, Dropout, Flatten, LeakyReLU, Linear, MaxPool2d, ReLU, Sequential,
    Sigmoid, Tanh,
)


def _model():
    return Sequential(Linear(2, 5, rng=1), Tanh(), Linear(5, 3, rng=2), LeakyReLU(0.1), Linear(3, 1, rng=3), Sigmoid())


def test_round_trip_is_bit_exact(tmp_path):
    model = _model()
    path = save_model(model, tmp_path / "m.npz", metadata={"note": "x"})
    loaded, meta = load_model(path)
    x = np.random.default_rng(0).standard_normal((7, 2))
    np.testing.assert_array_equal(model(x), loaded(x))
    assert meta == {"note": "x"}
    assert repr(loaded) == repr(model)


def test_cnn_with_batch_norm_round_trips_in_eval_mode(tmp_path):
    rng = np.random.default_rng(0)
    model = Sequential(Conv2d(1, 3, 3, padding=1, rng=rng), BatchNorm2d(3), ReLU(), MaxPool2d(2),
                       Dropout(0.5), Flatten(), Linear(12, 4, rng=rng), BatchNorm1d(4))
    x = rng.standard_normal((5, 1, 4, 4)).astype(np.float32)
    model.to(np.float32)
    model.forward(x)  # one training step moves the running statistics off their defaults
    model.eval()
    loaded, _ = load_model(save_model(model, tmp_path / "cnn.npz"))
    loaded.eval()
    np.testing.assert_array_equal(loaded(x), model(x))
    np.testing.assert_array_equal(loaded[1].running_var, model[1].running_var)
    assert loaded[1].running_var.dtype == np.float32
    assert repr(loaded) == repr(model)


def test_save_replaces_atomically_and_leaves_no_temp_files(tmp_path):
    path = tmp_path / "m.npz"
    save_model(_model(), path)
    save_model(_model(), path)
    assert os.listdir(tmp_path) == ["m.npz"]


def test_a_failed_save_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "m.npz"
    save_model(_model(), path)
    good = path.read_bytes()

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", crash)
    with pytest.raises(ConfigError, match="cannot write .*disk full.*unchanged"):
        save_model(_model(), path)
    assert path.read_bytes() == good and os.listdir(tmp_path) == ["m.npz"]


@pytest.mark.parametrize("cut", [0, 10, 100, 0.5])
def test_truncated_files_get_a_clear_error(tmp_path, cut):
    path = tmp_path / "m.npz"
    save_model(_model(), path)
    data = path.read_bytes()
    n = int(len(data) * cut) if isinstance(cut, float) else cut
    path.write_bytes(data[:n])
    with pytest.raises(ModelFileError, match="m.npz"):
        load_model(path)


def test_missing_and_foreign_files(tmp_path):
    with pytest.raises(ModelFileError, match="does not exist"):
        load_model(tmp_path / "nope.npz")
    np.savez(tmp_path / "other.npz", a=np.zeros(2))
    with pytest.raises(ModelFileError, match="not a backproplab model"):
        load_model(tmp_path / "other.npz")


def test_pickled_object_arrays_are_never_loaded(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, __architecture__=np.array([object()], dtype=object))
    with pytest.raises(ModelFileError):
        load_model(path)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=600), st.integers(min_value=0, max_value=4000))
def test_random_and_truncated_bytes_only_raise_model_file_error(tmp_path, noise, cut):
    good = tmp_path / "good.npz"
    if not good.exists():
        save_model(_model(), good)
    data = good.read_bytes()
    bad = tmp_path / "bad.npz"
    for blob in (noise, data[:cut] + noise, data[:cut]):
        bad.write_bytes(blob)
        try:
            load_model(bad)
        except ModelFileError:
            pass


def _rewrite(path, change):
    """Load the raw arrays of a model file, let ``change`` edit them, write them back."""
    import json

    with np.load(path, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    arch = json.loads(bytes(arrays["__architecture__"]).decode())
    change(arch, arrays)
    arrays["__architecture__"] = np.frombuffer(json.dumps(arch).encode(), dtype=np.uint8)
    np.savez(path, **arrays)


def test_wrong_version_and_wrong_architecture_get_clear_errors(tmp_path):
    path = tmp_path / "m.npz"
    save_model(_model(), path)
    _rewrite(path, lambda arch, arrays: arch.update(format_version=99))
    with pytest.raises(ModelFileError, match="format version 99"):
        load_model(path)

    save_model(_model(), path)
    _rewrite(path, lambda arch, arrays: arch["layers"][0]["config"].update(out_features=6))
    with pytest.raises(ModelFileError, match="does not match its architecture"):
        load_model(path)

    save_model(_model(), path)
    _rewrite(path, lambda arch, arrays: arch["layers"].append({"type": "Teleport", "config": {}}))
    with pytest.raises(ModelFileError, match="unknown or invalid layer"):
        load_model(path)
