"""Matt Mazur's step-by-step backpropagation example, reproduced by ``backproplab trace`` digit for digit.

A 2-2-2 sigmoid network, inputs 0.05 and 0.10, targets 0.01 and 0.99, the loss
E = sum 1/2 (target - out)^2 (``half_sse``) and one gradient-descent step at lr 0.5:
"A Step by Step Backpropagation Example" (2015), the numbers as published there.
docs/worked-example.md shows the same command and its output.
"""

import json
import re
from pathlib import Path

import numpy as np
import pytest
from printed_text import find_lines, split_numbers

import backproplab as bl
from backproplab.cli import main
from backproplab.nn import Linear, Sequential, Sigmoid

# The published starting weights: w1..w4 join the inputs to the hidden units, w5..w8 the hidden units
# to the outputs; b1 is both hidden units' bias, b2 both outputs'.
W1, B1 = [[0.15, 0.20], [0.25, 0.30]], 0.35
W2, B2 = [[0.40, 0.45], [0.50, 0.55]], 0.60

# The published values, each with the digits it is published with.
FORWARD = {"out_h1": "0.593269992", "out_h2": "0.596884378", "out_o1": "0.75136507", "out_o2": "0.772928465"}
E_TOTAL = "0.298371109"
UPDATED = {"w1": "0.149780716", "w2": "0.19956143", "w3": "0.24975114", "w4": "0.29950229",
           "w5": "0.35891648", "w6": "0.408666186", "w7": "0.511301270", "w8": "0.561370121"}

COMMAND = ["--x", "0.05", "0.10", "--y", "0.01", "0.99", "--loss", "half_sse", "--optimizer", "sgd", "--lr", "0.5"]


def mazur_network():
    hidden, output = Linear(2, 2), Linear(2, 2)
    hidden.weight.data[...], hidden.bias.data[...] = W1, B1
    output.weight.data[...], output.bias.data[...] = W2, B2
    return Sequential(hidden, Sigmoid(), output, Sigmoid())


@pytest.fixture
def model_file(tmp_path):
    path = tmp_path / "mazur.npz"
    bl.save_model(mazur_network(), path)
    return str(path)


def _decimals(published):
    return len(published.split(".")[1])


def _agrees(value, published):
    """``value`` rounded to the published digits is the published number."""
    return round(float(value), _decimals(published)) == pytest.approx(float(published), abs=1e-12)


def _weights(record, key):
    """w1..w8 from the record's W1 and W2 (row = the unit fed, column = the unit feeding it)."""
    (w1, w2), (w3, w4) = record["layers"][0]["update"]["W1"][key]
    (w5, w6), (w7, w8) = record["layers"][2]["update"]["W2"][key]
    return dict(zip([f"w{i}" for i in range(1, 9)], (w1, w2, w3, w4, w5, w6, w7, w8)))


def test_the_trace_reproduces_every_published_number(model_file, capsys):
    assert main(["trace", "--model-file", model_file, *COMMAND, "--format", "json"]) == 0
    record = json.loads(capsys.readouterr().out)
    (out_h1, out_h2), (out_o1, out_o2) = record["layers"][1]["forward"]["a1"], record["layers"][3]["forward"]["a2"]
    computed = {"out_h1": out_h1, "out_h2": out_h2, "out_o1": out_o1, "out_o2": out_o2}
    for name, published in FORWARD.items():
        assert _agrees(computed[name], published), (name, computed[name], published)
    assert _agrees(record["loss"]["value"], E_TOTAL), record["loss"]["value"]
    after = _weights(record, "after")
    for name, published in UPDATED.items():
        assert _agrees(after[name], published), (name, after[name], published)
    assert record["optimizer"]["name"] == "SGD" and record["optimizer"]["hyperparameters"]["lr"] == 0.5


def test_the_printed_trace_shows_the_published_digits(model_file, capsys, monkeypatch):
    """With --digits 9 the text a reader sees holds each published number, rounded as published."""
    monkeypatch.setenv("COLUMNS", "100")  # the loss lines wrap to the terminal
    assert main(["trace", "--model-file", model_file, *COMMAND, "--digits", "9"]) == 0
    printed = capsys.readouterr().out
    numbers = [n for line in printed.split("\n") for n in split_numbers(line)[1]]
    for published in [*FORWARD.values(), E_TOTAL, *UPDATED.values()]:
        assert any(_agrees(n, published) for n in numbers), published
    assert "L = mean(sum_j (a2_j - y_j)^2 / 2) = 0.298371109" in printed
    assert "dL/da2 = (a2 - y) / n = (0.74136507, -0.217071535)   (n = 1" in printed


def test_the_biases_move_too_unlike_the_published_example(model_file, capsys):
    """Mazur keeps b1 and b2; backproplab updates biases as PyTorch does, which leaves the weights' step
    as published (the step uses the gradients before any update)."""
    assert main(["trace", "--model-file", model_file, *COMMAND, "--format", "json"]) == 0
    record = json.loads(capsys.readouterr().out)
    b1, b2 = record["layers"][0]["update"]["b1"], record["layers"][2]["update"]["b2"]
    assert b1["before"] == [B1, B1] and b2["before"] == [B2, B2]
    for update in (b1, b2):
        assert update["after"] == pytest.approx([b - 0.5 * g for b, g in zip(update["before"], update["gradient"])])
    kept = mazur_network()  # the published step: the new weights, the biases as they were
    kept[0].weight.data[...], kept[2].weight.data[...] = (record["layers"][0]["update"]["W1"]["after"],
                                                          record["layers"][2]["update"]["W2"]["after"])
    loss = bl.get_loss("half_sse")(kept(np.array([[0.05, 0.10]])), np.array([[0.01, 0.99]]))
    assert round(loss, 9) == 0.291027774  # as docs/worked-example.md says
    assert record["loss_after_update"] < loss  # the biases' step lowers it further


DOC = Path(__file__).resolve().parents[1] / "docs" / "worked-example.md"


def test_the_documented_example_is_what_the_command_prints(model_file, capsys, monkeypatch):
    """The page's update block is a run of lines the command prints (numbers as numbers)."""
    blocks = [body for lang, body in re.findall(r"```(\w*)\n(.*?)\n```", DOC.read_text(encoding="utf-8"), re.S)
              if lang == "text"]
    assert blocks, "docs/worked-example.md shows the trace in ```text blocks"
    monkeypatch.setenv("COLUMNS", "100")
    assert main(["trace", "--model-file", model_file, *COMMAND, "--digits", "9"]) == 0
    printed = capsys.readouterr().out.rstrip("\n").split("\n")[1:]  # the first line names the file's path
    for block in blocks:
        assert find_lines(printed, block.split("\n")) is not None, block[:300]
