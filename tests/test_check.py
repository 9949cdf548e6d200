"""backproplab check: a student's network graded against the engine, its first wrong number found and named.

The buggy networks are the worked examples of examples/check/ with one classic
mistake each, made by a small edit of the student's file; each must be caught
at the right layer and quantity, with the mistake named from its numbers.
"""

import json
import pathlib
import shutil

import numpy as np
import pytest
from printed_text import find_lines

from backproplab.check import check_file, grading_results
from backproplab.check.compare import compare
from backproplab.check.inputs import cases, initial_parameters
from backproplab.check.mistakes import catalogue, simulate
from backproplab.check.protocol import Declared
from backproplab.check.reference import reference_values
from backproplab.cli import main

EXAMPLES = pathlib.Path(__file__).resolve().parents[1] / "examples" / "check"
SHAPES = ("layers_model", "one_class", "plain_functions")
TIME_LIMIT = 10.0  # generous: a correct check takes about a second, but CI machines are shared

# 004's backward pass as its report writes it: the first layer's dW without the input.
REPORT_004_DW1 = "    dW1 = np.sum(dZ1, axis=0, keepdims=True)"

# id: (shape, edits of network.py, first failing item, words of the mistake named)
BUGS = {
    "004-dW1-no-input": ("plain_functions", [("    dW1 = X.T @ dZ1", REPORT_004_DW1)], "dW1", "no input"),
    "sigmoid-prime-of-z": ("plain_functions", [("dZ2 = dA2 * sigmoid_derivative(A2)",
                                                "dZ2 = dA2 * sigmoid_derivative(cache['Z2'])")],
                           "delta2", "in terms of a, but given z2"),
    "missing-1/N": ("plain_functions", [(" / len(y)", "")], "da3", "missing 1/N"),
    "W-untransposed": ("plain_functions", [('dA1 = dZ2 @ params["W2"].T', 'dA1 = dZ2 @ params["W2"]')],
                       "da1", "W2 used untransposed"),
    "bias-not-summed": ("plain_functions", [("db2 = np.sum(dZ2, axis=0, keepdims=True)", "db2 = dZ2")],
                        "db2", "not summed over the batch"),
    "loss-gradient-sign": ("plain_functions", [("return (A3 - y) / (A3", "return (y - A3) / (A3")],
                           "da3", "sign error"),
    "dW-wrong-layer-input": ("plain_functions", [("dW2 = A1.T @ dZ2", "dW2 = A2.T @ dZ2")],
                             "dW2", "built from a2 where a1 belongs"),
    "mse-gradient-with-bce": ("plain_functions", [("    dA3 = cross_entropy_derivative(y, A3)", "    dA3 = A3 - y")],
                              "da3", "gradient of half_sse (sum)"),
    "sigmoid-prime-of-the-layer-below": ("plain_functions", [("dZ2 = dA2 * sigmoid_derivative(A2)",
                                                              "dZ2 = dA2 * sigmoid_derivative(A1)")],
                                         "delta2", "sigmoid' of layer 1 instead of layer 2"),
    "bias-gradient-summed-to-one-number": ("plain_functions", [("db2 = np.sum(dZ2, axis=0, keepdims=True)",
                                                                "db2 = np.sum(dZ2)")], "db2", "a single number"),
    "step-taken-twice": ("one_class", [("self.learning_rate * self.grads[name]",
                                        "2 * self.learning_rate * self.grads[name]")], "W1", "taken twice"),
    "tanh-derivative": ("layers_model", [("return upstream * s * (1.0 - s)",
                                          "return upstream * (1.0 - np.tanh(self.z) ** 2)")],
                        "delta3", "derivative of tanh"),
    "sigmoid-prime-of-a": ("layers_model", [("s = 1.0 / (1.0 + np.exp(-self.z))", "s = 1.0 / (1.0 + np.exp(-self.out))")],
                           "delta3", "taken of a3 where the derivative expects z3"),
    "dW-transposed": ("layers_model", [("self.grad_weight = delta.T @ self.x", "self.grad_weight = self.x.T @ delta")],
                      "dW3", "transposed"),
    "extra-1/N-in-dW": ("layers_model", [("self.grad_weight = delta.T @ self.x",
                                          "self.grad_weight = delta.T @ self.x / len(delta)")], "dW3", "extra 1/N in dW3"),
    "cached-array-changed-in-place": ("layers_model", [("        return upstream * s * (1.0 - s)",
                                                        "        upstream *= s * (1.0 - s)\n        return upstream")],
                                      "da3", "changed in place"),
    "gradients-accumulate": ("layers_model", [("self.grad_weight = delta.T @ self.x", "self.grad_weight += delta.T @ self.x"),
                                              ("self.bias = np.zeros(n_out)",
                                               "self.bias = np.zeros(n_out)\n        self.grad_weight = 0.0")],
                             "step2", "never set back to zero"),
    "bias-left-out-of-z": ("layers_model", [("return x @ self.weight.T + self.bias", "return x @ self.weight.T")],
                           "z1", "bias is left out of z1"),
    "sigma-prime-left-out": ("one_class", [("d3 = error * sigmoid_slope(self.out)", "d3 = error")],
                             "delta3", "leaves out the activation's derivative"),
    "bias-summed-over-wrong-axis": ("one_class", [('"b2": d2.sum(axis=0, keepdims=True)',
                                                   '"b2": d2.sum(axis=1, keepdims=True)')], "db2", "wrong broadcast"),
    "update-uphill": ("one_class", [("getattr(self, name) - self.learning_rate", "getattr(self, name) + self.learning_rate")],
                      "W1", "uphill"),
    "dW3-from-first-hidden-layer": ("one_class", [('"w3": self.h2.T @ d3', '"w3": self.h1.T @ d3')],
                                    "dW3", "built from a1 where a2 belongs"),
    "lr-applied-twice": ("plain_functions", [("params[name] - lr * grads", "params[name] - lr * lr * grads")],
                         "W1", "learning rate is applied twice"),
    "biases-never-updated": ("plain_functions", [("    for name in params:\n",
                                                  "    for name in [n for n in params if n.startswith('W')]:\n")],
                             "b1", "never applied: the parameters stay as they were, in the biases only"),
    "output-delta-shortcut-without-1/N": ("plain_functions", [("    dZ3 = dA3 * sigmoid_derivative(A3)",
                                                               "    dZ3 = A3 - y")],
                                          "delta3", "δ3 is summed over the batch"),
    "update-with-previous-gradient": ("one_class", [
        ("        self.grads = {", "        for name in ('w1', 'b1', 'w2', 'b2', 'w3', 'b3'):\n"
                                   "            setattr(self, name, getattr(self, name) - self.learning_rate * self.old[name])\n"
                                   "        self.grads = {"),
        ("        for name in (\"w1\", \"b1\", \"w2\", \"b2\", \"w3\", \"b3\"):\n"
         "            setattr(self, name, getattr(self, name) - self.learning_rate * self.grads[name])",
         "        self.old = self.grads"),
        ("        self.learning_rate = learning_rate", "        self.learning_rate = learning_rate\n"
                                                     "        self.old = dict.fromkeys(('w1', 'b1', 'w2', 'b2', 'w3', 'b3'), 0.0)")],
        "W1", "previous step's gradient"),
}


def submission(folder, shape, edits=(), adapter_edits=()):
    """A copy of the worked example of ``shape`` in ``folder``, with ``edits`` made to its network.py."""
    shutil.copytree(EXAMPLES / shape, folder)
    for name, changes in (("network.py", edits), ("check_adapter.py", adapter_edits)):
        text = (folder / name).read_text(encoding="utf-8")
        for old, new in changes:
            assert text.count(old) == 1, f"the edit {old!r} must match {name} of {shape} exactly once"
            text = text.replace(old, new)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


# Tanh in the hidden layers, a sigmoid output for the cross-entropy: the adapter says so.
TANH_HIDDEN = [("    A1 = sigmoid(Z1)", "    A1 = np.tanh(Z1)"), ("    A2 = sigmoid(Z2)", "    A2 = np.tanh(Z2)"),
               ("dZ2 = dA2 * sigmoid_derivative(A2)", "dZ2 = dA2 * (1 - A2 ** 2)"),
               ("dZ1 = dA1 * sigmoid_derivative(A1)", "dZ1 = dA1 * (1 - A1 ** 2)")]
TANH_ADAPTER = [('LOSS = "bce"', 'LOSS, ACTIVATION, OUTPUT_ACTIVATION = "bce", "tanh", "sigmoid"')]


@pytest.mark.slow
def test_tanh_hidden_layers_with_a_sigmoid_output_pass_and_a_sigmoid_derivative_among_them_is_named(tmp_path):
    result = check_file(str(submission(tmp_path / "tanh", "plain_functions", TANH_HIDDEN, TANH_ADAPTER)), TIME_LIMIT)
    assert result.passed, result.first and result.first.label
    wrong = TANH_HIDDEN[:2] + TANH_HIDDEN[3:]  # layer 2 keeps the sigmoid's derivative
    result = check_file(str(submission(tmp_path / "mixed", "plain_functions", wrong, TANH_ADAPTER)), TIME_LIMIT)
    assert result.first.key == "delta2"
    assert result.mistakes["delta2"] == "δ2 uses the derivative of sigmoid (in terms of a), not of tanh"


def test_the_mistakes_model_without_a_mistake_is_the_engine():
    sizes = (2, 4, 3, 1)
    weights, biases = initial_parameters(sizes, True)
    for X, y in cases(2, 1).values():
        for activation, loss, reduction in (("tanh", "mse", "mean"), ("relu", "half_sse", "sum"),
                                            ("sigmoid", "bce", "mean"), ("tanh", "bce", "sum")):
            layers = (activation, activation, "sigmoid" if loss == "bce" else activation)
            engine = reference_values(weights, biases, X, y, layers, loss, reduction, 0.1)
            model = simulate(weights, biases, X, y, layers, loss, reduction, 0.1)
            assert engine.keys() == model.keys()
            for key in engine:
                np.testing.assert_allclose(model[key], engine[key], rtol=1e-12, atol=1e-15, err_msg=key)


def test_every_mistake_changes_some_number():
    """A mistake that changes nothing could be named for a correct network."""
    declared = Declared(sizes=(2, 4, 4, 1))
    weights, biases = initial_parameters(declared.sizes, True)
    X, y = cases(2, 1)["batch"]
    layers = declared.layer_activations()
    correct = simulate(weights, biases, X, y, layers, "bce", "mean", 0.1)
    for mistake in catalogue(declared.sizes, layers, "bce", "mean", True):
        made = simulate(weights, biases, X, y, layers, "bce", "mean", 0.1, mistake)
        differs = any(k not in made or made[k].shape != v.shape or not np.allclose(made[k], v) for k, v in correct.items())
        assert differs, mistake.text


def test_the_weights_are_non_symmetric_and_non_zero():
    weights, biases = initial_parameters((2, 4, 4, 1), True)
    for w in weights:
        assert np.all(np.abs(w) >= 0.2) and len(np.unique(np.abs(w))) == w.size
    assert not np.allclose(weights[1], weights[1].T)
    assert all(np.all(b != 0) for b in biases)


def test_compare_names_shapes_nan_and_the_worst_entry():
    expected = np.array([[1.0, 2.0], [3.0, 4.0]])
    wrong = expected.copy()
    wrong[1, 0] += 0.5
    found = compare(wrong, expected)
    assert not found.ok and found.where == (1, 0) and found.largest == pytest.approx(0.5)
    assert compare(np.ones((1, 2)), expected).problem == "shape (1, 2), not (2, 2)"
    assert "NaN" in compare(np.array([[np.nan, 1.0], [1.0, 1.0]]), expected).problem
    assert compare(np.array([1.0, 2.0]), np.array([[1.0], [2.0]])).ok  # (N,) for (N, 1) is the same numbers


def test_declared_values_are_checked():
    problems = Declared(weights="cols", loss="hinge", sizes=(2, 4)).problems(("sigmoid",))
    assert [p.split(" =")[0] for p in problems] == ["WEIGHTS", "LOSS", "SIZES"]


@pytest.mark.parametrize("shape", SHAPES)  # in the fast tier: the one run of a student's code in a child process
def test_the_correct_network_of_each_shape_passes(tmp_path, shape):
    result = check_file(str(submission(tmp_path / shape, shape)), TIME_LIMIT)
    assert result.passed, [(row.label, row.engine.describe()) for row in result.rows if not row.passed]
    assert result.first is None and result.score == result.total > 15


@pytest.mark.slow
@pytest.mark.parametrize("name", BUGS)
def test_a_classic_mistake_is_found_where_it_is_made_and_named(tmp_path, name):
    shape, edits, key, words = BUGS[name]
    result = check_file(str(submission(tmp_path / name, shape, edits)), TIME_LIMIT)
    assert not result.passed
    assert result.first is not None and result.first.key == key, (result.first and result.first.label)
    assert words in result.mistakes.get(key, ""), result.mistakes
    later = [row for row in result.rows[result.rows.index(result.first) + 1:] if row.verdict == "FAIL"]
    assert all(row.note for row in later), "every later failing item says what it follows from"


@pytest.mark.slow
def test_the_backward_pass_of_report_004_is_caught_at_dW1(tmp_path):
    result = check_file(str(submission(tmp_path / "004", "plain_functions", BUGS["004-dW1-no-input"][1])), TIME_LIMIT)
    first = result.first
    assert (first.key, first.engine.problem) == ("dW1", "shape (1, 4), not (2, 4)")
    assert result.mistakes["dW1"].startswith("dW1 is built from no input")
    assert [row.key for row in result.rows if row.verdict == "FAIL"] == ["dW1", "W1", "step2"]


HOSTILE = {
    "endless-loop": ("def update(params, grads, lr):\n", "def update(params, grads, lr):\n    while True:\n        pass\n",
                     f"did not finish within {TIME_LIMIT:g} s in update"),
    "loop-at-import": ("import numpy as np\n", "import numpy as np\nwhile True:\n    pass\n",
                       f"did not finish within {TIME_LIMIT:g} s while loading the file"),
    "interpreter-crash": ("def update(params, grads, lr):\n",
                          "def update(params, grads, lr):\n    import ctypes\n    ctypes.string_at(0)\n",
                          "crashed the Python interpreter (SIGSEGV) in update"),
    "10-GB-allocation": ("def update(params, grads, lr):\n",
                         "def update(params, grads, lr):\n    hoard = np.ones(10 * 2**30 // 8)\n",
                         "ran out of memory (MemoryError)"),
    "sys-exit": ("def update(params, grads, lr):\n", "def update(params, grads, lr):\n    import sys\n    sys.exit(3)\n",
                 "called sys.exit(3) in update"),
    "os-exit": ("def update(params, grads, lr):\n", "def update(params, grads, lr):\n    import os\n    os._exit(4)\n",
                "ended the checking process with exit status 4 in update"),
    "megabytes-printed": ("def update(params, grads, lr):\n",
                          "def update(params, grads, lr):\n    print('x' * 3_000_000)\n", "printed 12,000,004 characters"),
    "thread-left-running": ("def update(params, grads, lr):\n",
                            "import threading, time\nthreading.Thread(target=time.sleep, args=(1000,)).start()\n\n\n"
                            "def update(params, grads, lr):\n", "score 26/26 (100%)  PASS"),
    "NaN-output": ("    A3 = sigmoid(Z3)\n", "    A3 = sigmoid(Z3) * np.nan\n", "output a: holds NaN"),
    "wrong-shapes": ("    dW3 = A2.T @ dZ3\n", "    dW3 = np.zeros((7, 7))\n", "layer 3 dW: shape (7, 7), not (4, 1)"),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_code_gets_one_line_and_no_traceback(tmp_path, name):
    from backproplab.check.report import summary, text

    old, new, words = HOSTILE[name]
    result = check_file(str(submission(tmp_path / name, "plain_functions", [(old, new)])), TIME_LIMIT)
    said = text(result)
    assert words in said and "Traceback" not in said
    if name in ("megabytes-printed", "thread-left-running"):
        assert result.passed  # neither is a mistake: printing is noted and thrown away, the thread is ended
    else:
        assert not result.passed and words.split(":")[0] in summary(result) + said


@pytest.mark.slow
def test_a_class_folder_is_graded_in_one_command_sorted_by_first_failing_item(tmp_path, capsys):
    folder = tmp_path / "class"
    folder.mkdir()
    for shape in SHAPES:
        submission(folder / f"correct-{shape}", shape)
    for name in ("004-dW1-no-input", "missing-1/N", "tanh-derivative", "update-uphill"):
        shape, edits, _, _ = BUGS[name]
        submission(folder / name.replace("/", ""), shape, edits)
    for name in ("endless-loop", "os-exit", "NaN-output"):
        old, new, _ = HOSTILE[name]
        submission(folder / name, "plain_functions", [(old, new)])
    (folder / "not-a-network.py").write_text("print('hello')\n", encoding="utf-8")
    # The protocol written into the student's own file: the layer classes and the adapter in one.
    adapter = (EXAMPLES / "layers_model" / "check_adapter.py").read_text(encoding="utf-8")
    network = (EXAMPLES / "layers_model" / "network.py").read_text(encoding="utf-8")
    (folder / "single-file.py").write_text(network + adapter.replace("from network import Model\n", ""),
                                           encoding="utf-8")
    (folder / "two-files").mkdir()
    for name in ("a.py", "b.py"):
        (folder / "two-files" / name).write_text("x = 1\n", encoding="utf-8")
    grades = tmp_path / "grades.csv"
    status = main(["check", str(folder), "--time-limit", str(TIME_LIMIT), "--results", str(grades)])
    lines = capsys.readouterr().out.splitlines()
    assert status == 1
    names = [line.split()[0] for line in lines[1:-1]]
    assert sorted(names) == sorted(p.name for p in folder.iterdir())
    assert names[-4:] == sorted(f"correct-{shape}" for shape in SHAPES) + ["single-file.py"]  # passes last
    assert set(names[:4]) == {"endless-loop", "os-exit", "not-a-network.py", "two-files"}  # never ran: first
    assert names.index("NaN-output") < names.index("missing-1N") < names.index("tanh-derivative") \
        < names.index("004-dW1-no-input") < names.index("update-uphill")
    assert lines[-1].startswith("4 of 13 submissions pass")
    assert len(grades.read_text(encoding="utf-8").splitlines()) == 14


@pytest.mark.slow
def test_json_and_a_results_file_for_grading_tools(tmp_path, capsys):
    student = submission(tmp_path / "s", "plain_functions", BUGS["004-dW1-no-input"][1])
    results = tmp_path / "results.json"
    assert main(["check", str(student), "--format", "json", "--results", str(results)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["first_difference"] == "dW1" and report["score"] == report["total"] - 3
    graded = json.loads(results.read_text(encoding="utf-8"))
    assert graded["score"] == report["score"] and graded["max_score"] == len(graded["tests"]) == report["total"]
    assert "no input" in graded["output"]
    assert main(["check", str(student), "--results", str(results)]) == 2  # never replaced without --force
    assert "already exists" in capsys.readouterr().err


def test_a_missing_path_is_one_line(tmp_path, capsys):
    assert main(["check", str(tmp_path / "nowhere.py")]) == 2
    assert capsys.readouterr().err.startswith("error: ") 


def test_grading_results_of_code_that_never_ran():
    from backproplab.check.grading import Result

    graded = grading_results(Result(path="x.py", error="raised SyntaxError"))
    assert graded["score"] == 0 and graded["tests"][0]["output"] == "raised SyntaxError"


@pytest.mark.slow
def test_the_exercise_is_stubs_its_check_says_so_and_its_solution_passes(tmp_path, capsys):
    folder = tmp_path / "lab"
    assert main(["exercise", str(folder)]) == 0
    printed = capsys.readouterr().out
    assert f"backproplab check {folder}" in printed
    assert main(["check", str(folder), "--time-limit", str(TIME_LIMIT)]) == 1
    said = capsys.readouterr().out
    assert "raised NotImplementedError: forward" in said and said.count("\n") == 3  # the file, the line, the score
    shutil.copy(EXAMPLES / "plain_functions" / "network.py", folder / "network.py")  # the API the stubs describe
    assert main(["check", str(folder), "--time-limit", str(TIME_LIMIT)]) == 0
    capsys.readouterr()
    assert main(["exercise", str(folder)]) == 2  # never over a file that exists
    assert "already exists" in capsys.readouterr().err


def test_the_exercise_adapter_is_the_worked_example_of_plain_functions():
    from backproplab.check.exercise import ADAPTER

    assert (EXAMPLES / "plain_functions" / "check_adapter.py").read_text(encoding="utf-8") == ADAPTER


def test_the_exercise_gives_no_solution(tmp_path):
    from backproplab.check.exercise import write_exercise

    network = pathlib.Path(write_exercise(str(tmp_path / "lab"))[0]).read_text(encoding="utf-8")
    for solution in (".T @", "np.sum(", "* (1 - A", "-= lr", "- lr *"):
        assert solution not in network
    assert network.count("raise NotImplementedError") == 3 and network.count("# %%") >= 4


def test_the_exercise_names_its_own_sizes_and_the_labs(tmp_path):
    from backproplab.check.exercise import write_exercise
    from backproplab.run import RunConfig

    path = pathlib.Path(write_exercise(str(tmp_path / "lab"))[0])
    namespace = {}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)  # the stubs raise only when called
    params = namespace["init_params"]()
    sizes = [params["W1"].shape[0]] + [params[f"W{i}"].shape[1] for i in (1, 2, 3)]
    lab = [2, *RunConfig.for_dataset().hidden, 1]
    opening = " ".join(namespace["__doc__"].split())
    assert opening.startswith(f"A {'-'.join(map(str, sizes))} network:")
    assert f"the lab's own network is {'-'.join(map(str, lab))}" in opening


@pytest.mark.slow
def test_the_session_of_docs_check_md_prints_what_the_page_shows(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["exercise", "my_lab"]) == 0
    page = (pathlib.Path(__file__).resolve().parents[1] / "docs" / "check.md").read_text(encoding="utf-8")
    page_lines = page.split("\n")
    assert find_lines(page_lines, capsys.readouterr().out.rstrip("\n").split("\n")) is not None
    network = (EXAMPLES / "plain_functions" / "network.py").read_text(encoding="utf-8")
    (tmp_path / "my_lab" / "network.py").write_text(network.replace("    dW1 = X.T @ dZ1", REPORT_004_DW1),
                                                    encoding="utf-8")
    assert main(["check", "my_lab"]) == 1
    # words exactly, numbers as numbers: the differences of 1e-17 are round-off that depends on the BLAS kernel
    printed = capsys.readouterr().out.rstrip("\n").split("\n")
    assert find_lines(page_lines, printed) is not None
    readme = (pathlib.Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    shown = readme.split("$ .venv/bin/backproplab check my_lab\n")[1].split("```")[0].rstrip("\n").split("\n")
    for run in "\n".join(shown).split("\n  ...\n"):  # the README leaves out the passing rows
        assert find_lines(printed, run.split("\n")) is not None, run


@pytest.mark.slow
def test_an_adapter_listing_layers_last_first_is_told_so(tmp_path):
    reverse = [('"dW": [g["w1"], g["w2"], g["w3"]]', '"dW": [g["w3"], g["w2"], g["w1"]]')]
    result = check_file(str(submission(tmp_path / "reversed", "one_class", adapter_edits=reverse)), TIME_LIMIT)
    assert result.first.key == "dW3"
    assert "the list 'dW' runs from the last layer to the first; give the first layer first" in result.notes


@pytest.mark.slow
def test_a_loss_in_log_base_2_is_named_and_the_backward_pass_is_checked_against_it_too(tmp_path):
    log2 = [("np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))", "np.sum(y * np.log2(p) + (1 - y) * np.log2(1 - p))")]
    result = check_file(str(submission(tmp_path / "log2", "layers_model", log2)), TIME_LIMIT)
    assert result.first.key == "loss" and "log base 2" in result.mistakes["loss"]
    dW1 = next(row for row in result.rows if row.key == "dW1")
    assert dW1.passed and not dW1.own.ok  # the engine's gradient, not the gradient of the student's own loss
    assert dW1.own.relative == pytest.approx((1 / np.log(2) - 1) / (1 / np.log(2) + 1), rel=1e-4)


@pytest.mark.slow
def test_hidden_dL_da_and_delta_are_checked_against_central_differences_of_the_students_own_forward_pass(tmp_path):
    rows = {row.key: row for row in check_file(str(submission(tmp_path / "right", "plain_functions")), TIME_LIMIT).rows}
    for key in ("da1", "delta1", "da2", "delta2", "delta3"):
        assert rows[key].own is not None and rows[key].own.ok and rows[key].own.relative < 1e-6, key
    wrong = check_file(str(submission(tmp_path / "wrong", "plain_functions", BUGS["sigmoid-prime-of-z"][1])), TIME_LIMIT)
    rows = {row.key: row for row in wrong.rows}
    assert not rows["delta2"].own.ok and rows["da2"].own.ok  # wrong against its own forward pass too, from δ2 on


def test_a_mistake_is_not_named_where_it_would_change_numbers_the_student_has_right(tmp_path):
    # dW2 at half its value: a halved dL/da3 would give that dW2, but this student's dL/da3 is right
    halved = [("dW2 = A1.T @ dZ2", "dW2 = 0.5 * (A1.T @ dZ2)")]
    result = check_file(str(submission(tmp_path / "half", "plain_functions", halved)), TIME_LIMIT)
    assert result.first.key == "dW2" and not result.mistakes.get("dW2")
