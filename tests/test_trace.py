"""backproplab.trace: one sample's forward values, gradients and update, proven number by number.

Parametrised over the registries (every layer type, loss and optimizer), so a new
entry is traced and checked automatically.
"""

import copy
import re
from pathlib import Path
import json

import numpy as np
import pytest
from printed_text import find_lines, same_line, same_lines
from test_gradcheck import example

import backproplab as bl
from backproplab.cli import main
from backproplab.nn import LAYERS, LOSSES, Conv2d, Dropout, Flatten, LeakyReLU, Linear, Sequential, Sigmoid, get_loss
from backproplab.optim import OPTIMIZERS
from backproplab.tracing import notation

TOLERANCE = 1e-7


def _engine_pass(model, x, y, loss_name):
    """The engine's own forward and backward on a float64 copy, in the trace's modes."""
    net = copy.deepcopy(model).to(np.float64).train()
    for m in net.modules():
        if m.buffers:
            m.eval()
    loss_fn = get_loss(loss_name)
    loss = loss_fn(net(np.asarray(x, dtype=np.float64)[None]), np.asarray(y)[None])
    net.zero_grad()
    dx = net.backward(loss_fn.backward())
    return net, loss, dx


def _assert_trace_is_the_engine(model, x, y, loss_name):
    record = bl.trace(model, x, y, loss_name).record
    net, loss, dx = _engine_pass(model, x, y, loss_name)
    assert record["loss"]["value"] == loss
    np.testing.assert_array_equal(record["layers"][0]["backward"]["dL/da0"], dx[0])
    layers = net.layers if isinstance(net, Sequential) else [net]
    for entry, layer in zip(record["layers"], layers):
        for name, p in layer.named_parameters():
            np.testing.assert_array_equal(entry["backward"][f"dL/d{entry['symbols'][name]}"], p.grad)
    assert record["gradcheck_max_rel_error"] < TOLERANCE, record["gradcheck_max_rel_error"]
    return record


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_every_layer_is_traced_with_the_engines_gradients(name, rng):
    layer, shape = example(name, rng)
    for p in layer.parameters():  # non-trivial values (batch norm's scale and shift too)
        p.data[...] = rng.uniform(0.5, 1.5, p.shape) * rng.choice([-1, 1], p.shape)
    x = rng.uniform(0.2, 1.5, shape[1:]) * rng.choice([-1, 1], shape[1:])  # away from ReLU's kink
    out = layer.eval().forward(x[None]) if name.startswith("BatchNorm") else layer.forward(x[None])
    model = Sequential(layer, Flatten()) if out.ndim > 2 else Sequential(layer)
    record = _assert_trace_is_the_engine(model, x, rng.standard_normal(int(np.prod(out.shape[1:]))), "mse")
    assert record["layers"][0]["formula"] and record["layers"][0]["backward_formula"]


@pytest.mark.parametrize("loss_name", sorted(LOSSES))
def test_every_loss_is_traced_with_the_engines_gradients(loss_name, rng):
    outputs = 3 if loss_name == "cross_entropy" else 1
    layers = [Linear(2, 4, rng=rng), Sigmoid(), Linear(4, outputs, rng=rng)]
    if loss_name in ("bce", "mse"):
        layers.append(Sigmoid())
    record = _assert_trace_is_the_engine(Sequential(*layers), [0.3, -0.7], 2 if outputs == 3 else 1, loss_name)
    assert record["loss"]["formula"].startswith("L = ")


@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
def test_every_optimizer_update_is_the_optimizers_own_step(optimizer, rng):
    model = Sequential(Linear(2, 3, rng=rng), Sigmoid(), Linear(3, 1, rng=rng), Sigmoid())
    opt = OPTIMIZERS.get(optimizer)(model.parameters(), lr=0.1)
    X, y = rng.uniform(0, 1, (6, 2)), np.array([0, 1, 0, 1, 1, 0])
    bl.fit(model, get_loss("bce"), opt, X, y, epochs=3, seed=0)  # the trace continues from this state
    before = model.state_dict()
    record = bl.trace(model, X[0], y[0], "bce", opt).record
    for name, value in model.state_dict().items():  # the user's model is untouched
        np.testing.assert_array_equal(value, before[name])
    net, ref = copy.deepcopy(model), None
    ref = OPTIMIZERS.get(optimizer)(net.parameters(), lr=0.1)
    ref.load_state_dict(opt.state_dict())
    loss_fn = get_loss("bce")
    loss_fn(net(X[:1]), y[:1])
    ref.zero_grad()
    net.backward(loss_fn.backward())
    ref.step()
    assert record["optimizer"]["step"] == ref.steps == 4
    symbols = [s for entry in record["layers"] for s in entry["update"]]
    for k, (symbol, p) in enumerate(zip(symbols, net.parameters())):
        update = next(e["update"][symbol] for e in record["layers"] if symbol in e["update"])
        np.testing.assert_array_equal(update["after"], p.data)
        for state_name, array in ref.state[k].items():
            np.testing.assert_array_equal(update[state_name], array)
    assert record["loss_after_update"] == loss_fn(net(X[:1]), y[:1])


def test_the_worked_one_one_example_prints_the_hand_computed_numbers():
    # The network of tests/test_layers.py::test_one_training_step_worked_out_by_hand:
    # x = 2, w = 0.5, b = 0, y = 1, z = w x + b = 1, p = sigmoid(1), MSE L = (p - 1)^2, SGD lr 0.1.
    layer = Linear(1, 1)
    layer.weight.data[...] = 0.5
    model = Sequential(layer, Sigmoid())
    result = bl.trace(model, [2.0], 1.0, "mse", bl.SGD(model.parameters(), lr=0.1))
    r = result.record
    p = 1 / (1 + np.exp(-1.0))                 # 0.7310585786300049
    dL_dp = 2 * (p - 1)                         # -0.5378828427399902
    dp_dz = p * (1 - p)                         # 0.19661193324148185
    dz = dL_dp * dp_dz                          # -0.10575419479100...
    linear, sigmoid = r["layers"]
    assert r["loss"]["value"] == pytest.approx((p - 1) ** 2, abs=1e-12)
    assert linear["forward"]["z1"][0] == 1.0 and sigmoid["forward"]["a1"][0] == pytest.approx(p, abs=1e-15)
    assert sigmoid["backward"]["dL/da1"][0] == pytest.approx(dL_dp, abs=1e-12)
    assert sigmoid["backward"]["da1/dz1"][0] == pytest.approx(dp_dz, abs=1e-12)
    assert sigmoid["backward"]["dL/dz1"][0] == pytest.approx(dz, abs=1e-12)
    assert linear["backward"]["dL/dW1"][0, 0] == pytest.approx(dz * 2, abs=1e-12)
    assert linear["backward"]["dL/db1"][0] == pytest.approx(dz, abs=1e-12)
    assert linear["update"]["W1"]["after"][0, 0] == pytest.approx(0.5 - 0.1 * dz * 2, abs=1e-12)
    assert linear["update"]["b1"]["after"][0] == pytest.approx(-0.1 * dz, abs=1e-12)
    text = " ".join(result.text().split())  # as read, whatever the terminal's width
    for value in (p, (p - 1) ** 2, dL_dp, dp_dz, dz, 2 * dz, 0.5 - 0.2 * dz, -0.1 * dz):
        assert f"{value:.6g}" in text, value
    assert "z1 = W1 a0 + b1" in text and "f'(z1) = a1 (1 - a1)" in text and "w <- w - lr g" in text


def test_json_follows_the_documented_shape(capsys):
    assert main(["trace", "--format", "json", "--x", "0.3", "0.7", "--y", "1"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"sample", "loss", "layers", "gradcheck_max_rel_error", "optimizer", "loss_after_update"} <= set(data)
    assert data["sample"] == {"x": [0.3, 0.7], "y": 1}
    assert [layer["type"] for layer in data["layers"]] == ["Linear", "Sigmoid"] * 3
    for layer in data["layers"]:
        assert {"name", "type", "forward", "backward", "update"} <= set(layer)
    assert set(data["layers"][0]["update"]["W1"]) == {"before", "gradient", "exp_avg", "exp_avg_sq", "change", "after"}
    assert np.shape(data["layers"][2]["backward"]["dL/dW2"]) == (8, 8)
    assert data["gradcheck_max_rel_error"] < TOLERANCE
    assert data["gradcheck"]["passed"] is True and data["gradcheck"]["checked"] == 140
    assert data["layers"][2]["backward"]["check"]["dL/dW2"]["verdicts"] == ["ok"] * 64


def test_text_markdown_and_large_layers(capsys):
    assert main(["trace", "--sample", "14", "--steps", "5", "--hidden", "80", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert "dL/dW2 (1 x 80): norm" in out and "numeric check on 64 of 160 entries" in out  # summarised
    assert "| entry | a0 |" in out
    assert main(["trace", "--sample", "14", "--hidden", "80", "--full"]) == 0
    out = capsys.readouterr().out
    assert " 0,79 " in out and "): norm" not in out


def test_html_is_a_whole_page_from_the_command_line_and_a_fragment_for_the_report(capsys):
    assert main(["trace", "--format", "html"]) == 0
    page = capsys.readouterr().out
    assert page.startswith("<!doctype html>") and page.count('<table class="trace-table">') > 20
    fragment = bl.trace(Sequential(Linear(1, 1), Sigmoid()), [2.0], 1.0, "mse").html()
    assert fragment.startswith('<div class="trace">') and fragment.endswith("</div>")


def test_a_trace_from_a_saved_model_file(tmp_path, capsys):
    rng = np.random.default_rng(0)
    model = Sequential(Linear(2, 3, rng=rng), Sigmoid(), Linear(3, 1, rng=rng), Sigmoid())
    bl.save_model(model, tmp_path / "m.npz", metadata={"loss": "bce"})
    assert main(["trace", "--model-file", str(tmp_path / "m.npz"), "--x", "0.1", "0.2", "--y", "0"]) == 0
    assert "the network in" in capsys.readouterr().out

    model[2].weight.data[0, 1] = np.nan  # a diverged run's weights: a trace of them would be NaN throughout
    bl.save_model(model, tmp_path / "diverged.npz", metadata={"loss": "bce"})
    assert main(["trace", "--model-file", str(tmp_path / "diverged.npz"), "--x", "0.1", "0.2", "--y", "0"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "weights 2.weight hold NaN or inf" in err and "so its trace would be" in err


@pytest.mark.parametrize("argv, message", [
    (["--sample", "21"], "--sample must be an integer >= 0 and <= 20, got 21"),
    (["--x", "0.3", "0.7"], "--x and --y go together"),
    (["--x", "0.3", "--y", "1"], "takes 2 values"),
    (["--x", "nan", "0", "--y", "1"], "x[0] must be a finite number"),
    (["--steps", "-1"], "--steps must be an integer >= 0 and <= 10,000,000, got -1"),
    (["--format", "htm"], "unknown trace format 'htm' (did you mean 'html'?)"),
    (["--sample", "1", "--x", "0", "0", "--y", "1"], "either --sample I or --x"),
    (["--epochs", "5"], "trace takes --steps N, not --epochs"),
    (["--print-every", "1", "--schedule", "cosine"], "--print-every, --schedule do not apply to trace"),
    (["--early-stopping", "3"], "--early-stopping does not apply to trace"),
])
def test_bad_input_is_one_line_and_status_2(argv, message, capsys):
    assert main(["trace", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_the_losss_reduction_is_kept(rng):
    model = Sequential(Linear(2, 3, rng=rng), Sigmoid(), Linear(3, 2, rng=rng))
    loss_fn = get_loss("mse", "sum")
    record = bl.trace(model, [0.3, -0.7], [1.0, 0.0], loss_fn).record
    net = copy.deepcopy(model)
    loss = loss_fn(net(np.array([[0.3, -0.7]])), np.array([[1.0, 0.0]]))
    net.backward(loss_fn.backward())
    assert record["loss"]["value"] == loss and record["loss"]["formula"] == "L = sum((z2 - y)^2)"
    np.testing.assert_array_equal(record["layers"][0]["backward"]["dL/dW1"], net[0].weight.grad)


def test_layers_shapes_and_settings_read_as_a_student_writes_them(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")  # the formula lines wrap to the terminal
    assert main(["trace", "--optimizer", "sgd", "--momentum", "0.9"]) == 0
    out = capsys.readouterr().out
    assert "network, from input to output: Linear 2 -> 8, Sigmoid, Linear 8 -> 8, Sigmoid, Linear 8 -> 1, " \
           "Sigmoid" in " ".join(out.split())
    assert "Layer 1 (Linear 2 -> 8):   z1 = W1 a0 + b1   (sizes: a0 2, W1 8 x 2, b1 8, z1 8)" in out
    assert "Layer 3, its Sigmoid:   dL/dz3 = dL/da3 * f'(z3)" in out  # numbered as its symbols are
    assert "(binary cross-entropy)" in out and "sample: a0 = x = (0, 0), target y = 0" in out
    assert "Update: SGD, lr 0.01, momentum 0.9, dampening 0, weight_decay 0, nesterov no; step t = 1" in out
    for python in ("in_features=", "Sigmoid()", "(8, 2)", "(8,)", "(2,)", "(bce)", "True", "False", "["):
        assert python not in out, python


@pytest.mark.parametrize("layer, title", [
    (Conv2d(1, 8, 3), "Conv2d 1 -> 8, kernel_size 3 x 3, stride 1 x 1, padding 0 x 0"),
    (Linear(3, 2, bias=False), "Linear 3 -> 2, bias none"),
    (Dropout(0.5), "Dropout, p 0.5"),
    (LeakyReLU(), "LeakyReLU, negative_slope 0.01"),
    (Flatten(), "Flatten"),
])
def test_a_layer_is_named_without_its_python_repr(layer, title):
    assert notation.layer_title({"name": f"0: {layer!r}"}) == title


# The page that shows `backproplab trace --x 0.3 0.7 --y 1`, and the heading of its section.
TRACE_PAGE, TRACE_SECTION = Path(__file__).resolve().parents[1] / "docs" / "trace.md", "# Backpropagation by hand"


def test_the_documented_trace_is_what_the_command_prints(capsys, monkeypatch):
    """Every block of trace output the documentation shows is a run of lines the command prints.

    Words must match exactly; numbers as numbers (see printed_text): the rel. error column is
    round-off whose digits depend on the CPU's BLAS kernel, so only its size is portable.
    """
    section = TRACE_PAGE.read_text(encoding="utf-8").split(TRACE_SECTION)[1].split("</details>")[0]
    blocks = [body for lang, body in re.findall(r"```(\w*)\n(.*?)\n```", section, re.S) if lang != "bash"]
    assert len(blocks) == 3  # the loss and top of the backward pass, Adam's first step, the whole trace
    monkeypatch.setenv("COLUMNS", "100")  # the trace wraps its notes to the terminal; the page shows 100 columns
    assert main(["trace", "--x", "0.3", "0.7", "--y", "1"]) == 0
    printed = capsys.readouterr().out.rstrip("\n").split("\n")
    for block in blocks:
        assert find_lines(printed, block.split("\n")) is not None, \
            f"the documentation shows lines the trace does not print:\n{block[:300]}"
    assert same_lines(printed, blocks[-1].split("\n"))  # the folded-away block is the whole trace


def test_printed_numbers_are_compared_as_numbers():
    """The comparison tolerates kernel round-off, and nothing more."""
    line = "      0,1  -0.150847  -0.150847     5.3e-11"
    assert same_line(line, "      0,1  -0.150847  -0.150847     2.2e-10")  # another kernel's round-off
    assert not same_line(line, "      0,1  -0.150847  -0.150857     5.3e-11")  # a wrong gradient
    assert not same_line(line, "      0,1  -0.150847  -0.150847     5.3e-05")  # a failed check
    assert not same_line("Layer 5, Sigmoid: 0.5", "Layer 5, ReLU: 0.5")


def test_trace_offers_only_the_options_it_uses(help_of):
    text = help_of("trace")
    for unused in ("--epochs", "--print-every", "--early-stopping", "--target-accuracy", "--monitor", "--schedule",
                   "--t-max", "--threads"):
        assert unused not in text, unused
    assert "--steps" in text and "--no-shuffle" in text


def test_an_option_trace_lacks_is_not_read_as_another(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["trace", "--out", "x"])  # once an abbreviation of --output-activation
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and err.count("\n") == 1
    assert "unrecognized arguments: --out x" in err and "backproplab trace --help" in err


def _traced_loss(capsys, *options):
    assert main(["trace", "--format", "json", "--steps", "3", "--batch-size", "4", *options]) == 0
    return json.loads(capsys.readouterr().out)["loss"]["value"]


def test_the_steps_before_a_trace_follow_no_shuffle(capsys):
    shuffled, in_order = _traced_loss(capsys), _traced_loss(capsys, "--no-shuffle")
    assert shuffled != in_order
    assert _traced_loss(capsys, "--no-shuffle") == in_order  # the data's order, the same every time


@pytest.mark.parametrize("loss_name", sorted(LOSSES))
def test_every_loss_prints_its_formula_and_its_gradients(loss_name, rng):
    outputs = 3 if loss_name == "cross_entropy" else 2
    model = Sequential(Linear(2, 3, rng=rng), Sigmoid(), Linear(3, outputs, rng=rng), Sigmoid())
    y = 2 if loss_name == "cross_entropy" else [0.0, 1.0]
    result = bl.trace(model, [0.3, -0.7], y, loss_name)
    loss = result.record["loss"]
    assert loss["formula"] == notation.loss_formulas(get_loss(loss_name), "a2")[0]
    assert loss["gradient_formula"].startswith("dL/da2 = ") and ".backward()" not in loss["gradient_formula"]
    text = " ".join(result.text().split())  # as read, whatever the terminal's width
    assert f"{loss['formula']} = " in text and f"{loss['gradient_formula']} = " in text
    assert f"({notation.loss_words(loss_name)})" in text and "docstring" not in text


def test_a_means_n_is_said():
    """half_sse's mean is over samples (one here), MSE's over every output: n is measured, not assumed."""
    model = Sequential(Linear(2, 2), Sigmoid())
    for name, n in (("half_sse", 1), ("mse", 2)):
        text = " ".join(bl.trace(model, [0.05, 0.1], [0.01, 0.99], name).text().split())
        assert f"(n = {n}, the number of terms the mean is over)" in text, name


def test_layers_are_numbered_as_their_symbols(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")  # the formula lines wrap to the terminal
    assert main(["trace", "--x", "0.3", "0.7", "--y", "1"]) == 0
    out = capsys.readouterr().out
    labels = re.findall(r"^(Layer \d[^:]*):", out, re.M)
    forward = labels[:6]
    assert forward == ["Layer 1 (Linear 2 -> 8)", "Layer 1, its Sigmoid", "Layer 2 (Linear 8 -> 8)",
                       "Layer 2, its Sigmoid", "Layer 3 (Linear 8 -> 1)", "Layer 3, its Sigmoid"]
    for label, formula in re.findall(r"^Layer (\d)[^:]*:\s+(\S+)", out, re.M):
        assert formula[-1] == label or formula.startswith(("dL/d", "W", "b")), (label, formula)
    assert "z3 = W3 a2 + b3" in out and "Layer 4" not in out and "Layer 0" not in out


def test_the_how_to_read_paragraph_comes_first():
    text = bl.trace(Sequential(Linear(2, 2), Sigmoid()), [0.1, 0.2], [0.0, 1.0], "mse", "sgd").text()
    first = text.split("\n")[2]  # under the heading
    assert first.startswith("How to read this.") and "(Forward pass)" in text.split("\n\n")[0]
    assert text.index("How to read this.") < text.index("network, from input to output")


def test_a_small_matrix_is_printed_in_rows_and_columns_a_wide_one_as_a_list(rng):
    model = Sequential(Linear(11, 8, rng=rng), Sigmoid(), Linear(8, 8, rng=rng), Sigmoid(), Linear(8, 1, rng=rng))
    result = bl.trace(model, rng.uniform(-1, 1, 11), 0.5, "mse")
    text = result.text()
    w2 = result.record["layers"][2]["forward"]["W2"]
    lines = text.split("\n")
    header = next(i for i, line in enumerate(lines) if line.split()[:2] == ["W2", "0"])
    assert lines[header].split() == ["W2", *map(str, range(8))]
    for i in range(8):  # row i: its number, then its 8 entries
        row = lines[header + 1 + i].split()
        assert row[0] == str(i) and [float(v) for v in row[1:]] == pytest.approx(w2[i], rel=1e-5)
    assert "      0,0 " not in text.split("Layer 2 (Linear 8 -> 8)")[1].split("Layer 2, its")[0]
    assert "dL/dW1 (8 x 11): norm" in text  # 8 x 11 is wider than a matrix is printed, and over 64 entries
    markdown = result.markdown()
    assert "| W2 | 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 |" in markdown


def test_relative_errors_are_what_the_note_says(rng):
    model = Sequential(Linear(3, 4, rng=rng), Sigmoid(), Linear(4, 1, rng=rng))
    result = bl.trace(model, [0.2, -0.4, 0.9], 0.3, "mse")
    text = " ".join(result.text().split())
    assert ("rel. error of an entry = |g - numeric| / (|g| + |numeric|), of a whole array = "
            "norm(g - numeric) / (norm(g) + norm(numeric))") in text
    entry = result.record["layers"][0]
    g, check = entry["backward"]["dL/dW1"].reshape(-1), entry["backward"]["check"]["dL/dW1"]
    numeric = np.asarray(check["numeric"])
    norms = np.linalg.norm(g) + np.linalg.norm(numeric)
    assert check["rel_error"] == pytest.approx(np.linalg.norm(g - numeric) / norms)
    lines = result.markdown().split("\n")  # one table per matrix, whatever the terminal's width
    header = lines.index("| rel. error | 0 | 1 | 2 |")  # of dL/dW1, 4 x 3
    rows = [line.strip("| ").split(" | ")[1:] for line in lines[header + 2:header + 6]]
    expected = np.abs(g - numeric) / (np.abs(g) + np.abs(numeric))
    assert [float(v) for row in rows for v in row] == pytest.approx(expected, rel=0.06, abs=1e-15)


def test_a_model_file_update_says_the_optimizer_starts_fresh(tmp_path, capsys):
    rng = np.random.default_rng(0)
    model = Sequential(Linear(2, 3, rng=rng), Sigmoid(), Linear(3, 1, rng=rng), Sigmoid())
    bl.save_model(model, tmp_path / "m.npz", metadata={"loss": "bce"})
    given = ["trace", "--model-file", str(tmp_path / "m.npz"), "--x", "0.1", "0.2", "--y", "0"]
    assert main([*given, "--optimizer", "adam"]) == 0
    update = " ".join(capsys.readouterr().out.split("Update: ")[1].split())
    assert "a model file stores the weights, not the optimizer's state, so this update starts a fresh Adam" in update
    assert "trace with --optimizer sgd to see w - lr g" in update
    assert "every weight moves by about 0.01 whatever the size of its gradient" in update
    assert main([*given, "--optimizer", "sgd"]) == 0
    assert "fresh" not in capsys.readouterr().out  # plain SGD keeps no state to be fresh


def test_an_optimizer_with_history_is_not_called_fresh(rng):
    model = Sequential(Linear(2, 3, rng=rng), Sigmoid(), Linear(3, 1, rng=rng), Sigmoid())
    opt = bl.Adam(model.parameters(), lr=0.01)
    bl.fit(model, get_loss("bce"), opt, rng.uniform(0, 1, (6, 2)), np.array([0, 1, 0, 1, 1, 0]), epochs=3, seed=0)
    assert "fresh" not in bl.trace(model, [0.1, 0.2], 1, "bce", opt).text()


def test_several_targets_and_a_loss_for_a_saved_network(tmp_path, capsys):
    model = Sequential(Linear(2, 2), Sigmoid())
    bl.save_model(model, tmp_path / "m.npz", metadata={"loss": "bce"})
    given = ["trace", "--model-file", str(tmp_path / "m.npz"), "--x", "0.1", "0.2", "--format", "json"]
    assert main([*given, "--y", "0.01", "0.99", "--loss", "half_sse"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["sample"]["y"] == [0.01, 0.99] and data["loss"]["name"] == "half_sse"
    assert main([*given, "--y", "0.01", "0.99", "0.5", "--loss", "half_sse"]) == 2
    err = capsys.readouterr().err
    assert "y = " in err and "does not fit the network's output" in err and err.count("\n") == 1


@pytest.mark.parametrize("argv, message", [
    (["--x", "0.3", "0.7", "--y", "1", "inf"], "y[1] must be a finite number"),
    (["--digits", "0"], "--digits must be an integer >= 1 and <= 17, got 0"),
    (["--x", "0.3", "0.7", "--y", "0.5", "0.5"], "does not fit the network's output"),
])
def test_bad_targets_and_digits_are_one_line(argv, message, capsys):
    assert main(["trace", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_digits_sets_the_printed_precision():
    model = Sequential(Linear(1, 1), Sigmoid())
    model[0].weight.data[...], model[0].bias.data[...] = 0.5, 0.0
    result = bl.trace(model, [2.0], 1.0, "mse")
    assert "0.731058579" in result.text(digits=9) and "0.731059" in result.text()


@pytest.mark.parametrize("argv, message", [
    (["--x", "0.3", "0.7", "--y", "7"], "--y 7 is not a target binary cross-entropy can take; give the label 0 or 1"),
    (["--x", "0.3", "0.7", "--y", "-1"], "--y -1 is not a target binary cross-entropy can take"),
    (["--dataset", "spiral", "--classes", "3", "--loss", "cross_entropy", "--x", "0.1", "0.2", "--y", "3"],
     "--y 3 is not a class of this network's 3 outputs, which cross-entropy reads; give one class label from 0 to 2"),
    (["--steps", "100000000"], "--steps must be an integer >= 0 and <= 10,000,000, got 100000000"),
])
def test_a_target_the_loss_cannot_take_and_endless_steps_are_one_line(argv, message, capsys):
    assert main(["trace", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1, err


def test_a_probability_target_and_any_regression_value_are_traced(capsys):
    assert main(["trace", "--x", "0.3", "0.7", "--y", "0.3", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["loss"]["value"] > 0
    assert main(["trace", "--loss", "mse", "--x", "0.3", "0.7", "--y", "7", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["loss"]["value"] > 30  # (a - 7)^2 with a in (0, 1)


def test_an_infinite_gradient_beside_an_infinite_estimate_has_no_relative_error_and_no_warning():
    """Found by fuzzing trace.json: inf against inf printed a RuntimeWarning in the middle of a report."""
    from backproplab.tracing.blocks import _entry_error

    assert np.isnan(_entry_error(np.float64("inf"), np.float64("inf")))
    assert _entry_error(1.0, 0.5) == pytest.approx(1 / 3)
