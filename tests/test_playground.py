"""The playground's server and sessions: validation, limits, the bind address, 50 sessions at once,
and an exported model that ``backproplab predict`` reads as the page sees it.

Every server here listens on 127.0.0.1 on a free port, is started by its test and shut down by it.
"""

import ast
import base64
import concurrent.futures
import dataclasses
import contextlib
import http.client
import json
import pathlib
import re
import shlex
import subprocess
import sys
import threading

import numpy as np
import pytest

from backproplab.cli import build_parser, main
from backproplab.errors import ConfigError
from backproplab.data.features import features
from backproplab.model_file import load_model, save_model
from backproplab.nn import ACTIVATIONS, Linear, Sequential
from backproplab.optim import OPTIMIZERS, SCHEDULES
from backproplab.playground import Session, check_settings, make_server
from backproplab.playground.script import python_script
from backproplab.playground.settings import MAX_UPLOAD_BYTES, choices
from backproplab.run import RunConfig, prepare, prepare_inputs
from backproplab.run.predict import saved_loss
from backproplab.run.config import hidden_activation_names
from backproplab.tracing import trace
from backproplab.training import predict_output

SRC = pathlib.Path(__file__).resolve().parents[1] / "src" / "backproplab"


@contextlib.contextmanager
def serving():
    """A playground server on 127.0.0.1 and a free port, in a thread, shut down on leaving."""
    srv = make_server()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(timeout=5)


@pytest.fixture
def server():
    with serving() as srv:
        yield srv


def page_headers(srv):
    """The headers the playground's own page sends with a POST: its origin and the token served in it."""
    page = request(srv, "GET", "/")[1]
    token = re.search(rb'name="playground-token" content="([^"]+)"', page).group(1).decode()
    return {"Origin": srv.url.rstrip("/"), "X-Playground-Token": token}


def request(srv, method, path, body=None, headers=None, timeout=10, page=None):
    """``method`` on ``path``; a POST as the page sends it (its origin and token) unless ``page`` is False."""
    if page or page is None and method == "POST":
        headers = {**page_headers(srv), **(headers or {})}
    conn = http.client.HTTPConnection(*srv.server_address[:2], timeout=timeout)
    try:
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        kind = response.getheader("Content-Type", "")
        return response.status, json.loads(data) if kind.startswith("application/json") else data
    finally:
        conn.close()


def new_session(srv, **settings):
    status, data = request(srv, "POST", "/api/sessions", {"settings": settings})
    assert status == 201, data
    return data["id"]


def first_frames(srv, key, count, timeout=10):
    """The first ``count`` frames a new page of session ``key`` gets, each asked for as the page asks:
    with the epoch of the history it has, the version of its points and the network it draws."""
    frames, since, version, generation = [], -1, 0, -1
    while len(frames) < count:
        status, frame = request(srv, "GET", f"/api/sessions/{key}/frame?since={since}&version={version}"
                                f"&generation={generation}", timeout=timeout)
        assert status == 200, frame
        frames.append(frame)
        since = frame["history"][-1]["epoch"] if frame["history"] else since
        version, generation = frame.get("data_version", version), frame["generation"]
    return frames


def test_default_bind_address_is_localhost_on_a_free_port(server):
    host, port = server.server_address[:2]
    assert host == "127.0.0.1" and port > 0
    assert server.url == f"http://127.0.0.1:{port}/"


def test_the_cli_binds_127_0_0_1_by_default():
    args = build_parser().parse_args(["playground", "--no-browser"])
    assert (args.host, args.port, args.no_browser) == ("127.0.0.1", 0, True)


def test_the_cli_refuses_a_bad_port(capsys):
    assert main(["playground", "--no-browser", "--port", "70000"]) == 2
    assert "--port must be an integer" in capsys.readouterr().err


def test_the_page_and_its_files_are_served_from_the_package(server):
    status, page = request(server, "GET", "/")
    assert status == 200 and b"/static/app.js" in page
    for name in ("app.js", "views.js", "network.js", "style.css"):
        assert request(server, "GET", f"/static/{name}")[0] == 200
    assert request(server, "GET", "/static/../server.py")[0] == 404
    assert request(server, "GET", "/static/session.py")[0] == 404
    assert b"http" not in page.replace(b"http-equiv", b"")  # nothing fetched from the internet


def test_options_come_from_the_registries(server):
    status, options = request(server, "GET", "/api/options")
    assert status == 200
    assert options["choices"]["activation"] == list(hidden_activation_names())  # what backproplab train takes
    assert "softmax" in ACTIVATIONS.names() and "softmax" not in options["choices"]["activation"]
    assert options["choices"]["optimizer"] == list(OPTIMIZERS.names())
    assert options["choices"]["schedule"] == list(SCHEDULES.names())
    assert {"circle", "xor", "gauss", "spiral", "lab-linear", "lab-chessboard"} <= set(options["choices"]["dataset"])
    assert options["limits"]["layers"] >= 8 and options["limits"]["neurons"] >= 32
    assert options["square"] == 6  # the map covers [-6, 6] on both axes, the coordinates predict takes


@pytest.mark.parametrize("method, path, body, headers, status, words", [
    ("POST", "/api/sessions", "{not json", None, 400, "not valid JSON"),
    ("POST", "/api/sessions", "[1, 2]", None, 400, "JSON object"),
    ("POST", "/api/sessions", {"settings": {}, "extra": 1}, None, 400, "unknown fields ['extra']"),
    ("POST", "/api/sessions", {"settings": {"colour": "red"}}, None, 400, "unknown settings ['colour']"),
    ("POST", "/api/sessions", {"settings": {"lr": "fast"}}, None, 400, "lr must be a finite number"),
    ("POST", "/api/sessions", {"settings": {"hidden": [4] * 9, "activation": ["tanh"] * 9}}, None, 400, "hidden"),
    ("POST", "/api/sessions", {"settings": {"hidden": [33], "activation": ["tanh"]}}, None, 400, "<= 32"),
    ("POST", "/api/sessions", {"settings": {"points": 10 ** 9}}, None, 400, "points must be"),
    ("POST", "/api/sessions", {"settings": {"activation": ["sigmod", "tanh"]}}, None, 400, "did you mean 'sigmoid'"),
    ("POST", "/api/sessions", "x" * (70 * 1024), None, 413, "limit"),
    ("POST", "/api/sessions", None, {"Content-Length": "abc"}, 411, "Content-Length"),
    ("POST", "/api/sessions/nope/control", {"action": "play"}, None, 404, "no session"),
    ("GET", "/api/nowhere", None, None, 404, "nothing at"),
    ("GET", "/api/sessions/nope/frame?since=0&version=1&generation=1", None, None, 404, "no session"),
    ("GET", "/api/sessions/nope/frame?since=abc", None, None, 400, "since must be a whole number, got 'abc'"),
    ("DELETE", "/api/sessions", None, None, 405, "not supported"),
])
def test_bad_requests_get_a_message_and_the_server_lives_on(server, method, path, body, headers, status, words):
    got, data = request(server, method, path, body, headers)
    assert got == status and words in data["error"], data
    assert request(server, "GET", "/api/options")[0] == 200


def test_bad_session_requests_get_400(server):
    key = new_session(server)
    for action, body, words in [
        ("control", {"action": "fly"}, "unknown action 'fly'"),
        ("control", {"action": "play", "speed": 2}, "unknown fields ['speed']"),
        ("settings", {"settings": {"dataset": "moon"}}, "unknown dataset 'moon'"),
        ("settings", {"settings": {"dataset": "spiral", "classes": 3}}, "cross_entropy"),
        ("inspect", {"layer": 7, "neuron": 0, "point": 0}, "layer must be"),
        ("weight", {"layer": 0, "to": 0, "from": 0, "value": float("nan")}, "not valid JSON"),
        ("weight", {"layer": 0, "to": 0, "from": 0, "value": 1e9}, "value must be"),
        ("upload", "x1,x2,label\n1,2,oops\n", "line 2, column 3 is 'oops', not a number"),
        ("upload", "1,2,3,4\n5,6,7,8\n", "3 feature columns"),
        ("upload", "x1,x2,label\n1,2,0.5\n", "labels must be integers"),
    ]:
        body = json.dumps(body).replace("NaN", "nan") if isinstance(body, dict) else body
        status, data = request(server, "POST", f"/api/sessions/{key}/{action}", body)
        assert status == 400 and words in data["error"], (action, data)
    status, data = request(server, "POST", f"/api/sessions/{key}/launch", {})
    assert status == 404 and "unknown action 'launch'" in data["error"]
    status, data = request(server, "POST", f"/api/sessions/{key}/upload", b"1,2,0\n" * (MAX_UPLOAD_BYTES // 6 + 1))
    assert status == 413, data
    assert request(server, "POST", f"/api/sessions/{key}/control", {"action": "step"})[1]["epoch"] == 1


def test_frames_asked_for_while_playing_report_falling_loss(server):
    key = new_session(server, dataset="gauss", hidden=[4], activation=["tanh"])
    assert request(server, "POST", f"/api/sessions/{key}/control", {"action": "play"})[0] == 200
    frames = first_frames(server, key, 3)
    assert frames[0]["points"]["train"] and frames[-1]["epoch"] > frames[1]["epoch"] > frames[0]["epoch"]
    losses = [h["train_loss"] for f in frames for h in f["history"]]
    assert losses[-1] < losses[0]
    assert {"map", "neurons", "weights", "confusion"} <= set(frames[-1])
    assert [len(m) for m in frames[-1]["neurons"]] == [2, 4, 1]  # inputs, one hidden layer, the output


def decoded(maps):
    """The page's maps as arrays of 0..1 (one row per unit), decoded as the page decodes them."""
    return [np.array([np.frombuffer(base64.b64decode(m), np.uint8) / 255 for m in layer]) for layer in maps]


@pytest.mark.parametrize("settings, widths", [
    ({"dataset": "plane", "problem": "regression", "loss": "mse", "hidden": [5, 3], "activation": ["tanh", "relu"]},
     [2, 5, 3, 1]),
    ({"dataset": "xor", "loss": "bce_logits", "hidden": [4, 3], "activation": ["tanh", "tanh"]}, [2, 4, 3, 1]),
    ({"dataset": "spiral", "classes": 6, "loss": "cross_entropy", "hidden": [6, 4], "activation": ["relu", "tanh"],
      "features": ["x1", "x2", "x1*x2"]}, [3, 6, 4, 6]),
])
def test_every_layer_shows_its_own_units_and_the_output_shows_the_answer(settings, widths):
    """Each hidden unit's map is that unit's activation; the output units' maps are the network's
    answer (each class's probability, P(class 1) or the regression value), whatever the head."""
    from backproplab.nn import Linear as LinearLayer
    from backproplab.playground.datasets import features
    from backproplab.playground.frames import NEURON_SIZE, grid

    session = Session(settings)
    for _ in range(3):
        session.train_epoch()
    maps = decoded(session.frame(-1, 0)["neurons"])
    assert [len(layer) for layer in maps] == widths
    assert all(layer.shape[1] == NEURON_SIZE ** 2 for layer in maps)
    x = features(grid(NEURON_SIZE), session.settings["features"])
    session.model.eval()
    activations, linears = [], 0
    for layer in session.model.layers:
        if isinstance(layer, LinearLayer) and linears:
            activations.append(x)
        linears += isinstance(layer, LinearLayer)
        x = layer.forward(x)
    for values, shown in zip(activations, maps[1:-1]):  # each hidden unit scaled by its largest size
        scale = np.abs(values).max(0)
        assert np.allclose(shown, (values / np.where(scale > 0, scale, 1)).T / 2 + 0.5, atol=0.5 / 255 + 1e-12)
    answer = session.loss_fn.probabilities(x) if session.n_classes else np.clip(x, -1, 1)
    expected = answer.T if session.n_classes else (answer.T + 1) / 2
    assert np.allclose(maps[-1], expected, atol=0.5 / 255 + 1e-12)
    assert all(np.ptp(unit) > 0.05 for unit in maps[-1])  # no blank or constant output box
    assert not any(np.array_equal(maps[-1][0], hidden) for hidden in maps[-2])  # not a copy of the output


def until(condition, seconds=5):
    """Wait (at most ``seconds``) until ``condition()`` holds; its last value."""
    for _ in range(int(seconds / 0.02)):
        if condition():
            return True
        threading.Event().wait(0.02)
    return condition()


def test_a_page_that_asks_for_no_frames_trains_nothing_and_keeps_its_session(server):
    """Training happens as a page asks for frames: a hidden tab, which asks for none, trains
    nothing; its session stays, trains on when asked again, and is freed when the page closes it."""
    key = new_session(server, hidden=[3], activation=["tanh"])
    assert request(server, "POST", f"/api/sessions/{key}/control", {"action": "play"})[0] == 200
    frames = first_frames(server, key, 3)
    assert frames[0]["epoch"] < frames[1]["epoch"] < frames[2]["epoch"]  # trained between them
    assert [h["epoch"] for f in frames for h in f["history"]] == list(range(frames[-1]["epoch"] + 1))
    assert "points" in frames[0] and not any("points" in f for f in frames[1:])  # points only when new
    session = server.sessions.get(key)
    threading.Event().wait(0.3)  # the training done while the page draws its last frame, at most a period
    paused_at = session.epoch
    threading.Event().wait(0.3)
    assert session.epoch == paused_at and session.playing  # asked for nothing, trained nothing
    assert request(server, "POST", f"/api/sessions/{key}/alive", "")[0] == 200
    frames = first_frames(server, key, 2)  # shown again: the whole history, then training on
    assert frames[0]["history"][0]["epoch"] == 0 and frames[-1]["epoch"] > paused_at
    assert request(server, "POST", f"/api/sessions/{key}/close", "")[0] == 200
    assert len(server.sessions) == 0
    for action in ("alive", "control"):
        assert request(server, "POST", f"/api/sessions/{key}/{action}", {"action": "play"})[0] == 404


def test_training_ahead_stops_at_its_next_epoch_while_any_page_waits_for_an_answer():
    """Sessions share one interpreter lock: while a request is being answered (another page's frame,
    a click), a session training ahead of its own next frame gives way after one epoch; otherwise
    it trains for the rest of a frame's period."""
    from backproplab.playground.pacing import train_ahead
    from backproplab.playground.sessions import Sessions

    sessions = Sessions()
    key, session = sessions.create({"hidden": [4], "activation": ["tanh"]})
    session.playing, session.frame_seconds = True, 0.0
    with sessions.answering():
        train_ahead(sessions, key, session, page_asks=lambda: False)
    assert session.epoch == 1  # one epoch, then it gave way
    assert not sessions.waited_on()
    train_ahead(sessions, key, session, page_asks=lambda: False)
    assert session.epoch >= 3  # nobody waiting: more epochs, to fill the period (this net's take ~1 ms)
    started = session.epoch
    train_ahead(sessions, key, session, page_asks=lambda: True)
    assert session.epoch == started + 1  # its own page asked again: one epoch only


def test_a_session_its_page_no_longer_asks_anything_of_is_freed(server):
    from backproplab.playground.sessions import IDLE_SECONDS

    kept, left = new_session(server), new_session(server)
    first_frames(server, left, 1)
    for key in (kept, left):  # both as if last heard of longer ago than the server waits
        server.sessions.get(key).touched -= 2 * IDLE_SECONDS
    assert request(server, "POST", f"/api/sessions/{kept}/alive", "")[0] == 200
    new_session(server)  # a new session frees the idle ones
    assert request(server, "POST", f"/api/sessions/{left}/alive", "")[0] == 404
    assert request(server, "POST", f"/api/sessions/{kept}/alive", "")[0] == 200


@pytest.mark.slow
def test_fifty_sessions_train_at_once(server):
    def one(i):
        key = new_session(server, seed=i, dataset=["circle", "xor", "gauss", "spiral"][i % 4], hidden=[4, 4],
                          activation=["relu", "tanh"])
        request(server, "POST", f"/api/sessions/{key}/control", {"action": "play"})
        frames = first_frames(server, key, 2, timeout=30)
        return frames[-1]["epoch"]

    with concurrent.futures.ThreadPoolExecutor(max_workers=50) as pool:
        epochs = list(pool.map(one, range(50), timeout=60))
    assert len(epochs) == 50 and all(e > 0 for e in epochs)
    assert request(server, "GET", "/api/options")[0] == 200


def test_settings_are_validated_and_completed():
    s = check_settings({"hidden": [32] * 8, "activation": ["relu"] * 8, "optimizer": "adamw", "schedule": "cosine"})
    assert s["dataset"] == "circle" and len(s["hidden"]) == 8
    with pytest.raises(ConfigError, match="one activation per hidden layer"):
        check_settings({"hidden": [2, 2], "activation": ["relu"]})
    with pytest.raises(ConfigError, match="regression trains with the mse loss"):
        check_settings({"problem": "regression", "loss": "bce"})


@pytest.mark.parametrize("settings", [
    {"dataset": "spiral", "classes": 3, "loss": "cross_entropy", "activation": ["relu", "sigmoid"]},
    {"dataset": "plane", "problem": "regression", "loss": "mse", "regularization": "l1", "reg_rate": 0.01},
    {"dataset": "lab-chessboard", "optimizer": "nesterov", "schedule": "step", "dropout": 0.2},
    {"dataset": "xor", "features": ["x1*x2", "sin(x1)"], "regularization": "l2", "reg_rate": 0.1},
])
def test_sessions_train_every_kind_of_setting(settings):
    session = Session(settings)
    for _ in range(3):
        session.train_epoch()
    frame = session.frame(-1, 0)
    assert frame["epoch"] == 3 and len(frame["history"]) == 4 and frame["history"][-1]["train_loss"] is not None


def test_stop_rules_pause_training():
    session = Session({"dataset": "gauss", "budget": 5, "optimizer": "adam", "lr": 0.1})
    session.control("play")
    session.train_for(5.0)
    assert session.epoch == 5 and not session.playing and "budget" in session.stopped
    session.apply({**session.settings, "budget": 0, "target_accuracy": 0.9})
    session.control("play")
    session.train_for(5.0)
    assert "accuracy reached" in session.stopped


@pytest.mark.parametrize("schedule", ["cosine", "onecycle"])
def test_a_budget_set_after_building_stretches_the_schedule_to_it(schedule):
    settings = {"dataset": "circle", "points": 100, "batch": 25, "schedule": schedule, "optimizer": "sgd", "lr": 0.03}
    built = Session({**settings, "budget": 300})
    changed = Session(settings)  # built for the default 1,000 epochs, then given a budget of 300
    for _ in range(10):
        changed.train_epoch()
    changed.apply({**changed.settings, "budget": 300})
    for session in (built, changed):
        while not session.stopped:
            session.train_epoch()
    assert changed.epoch == built.epoch == 300
    assert changed.optimizer.lr == pytest.approx(built.optimizer.lr, abs=1e-12) and built.optimizer.lr < 1e-6


def test_the_exponential_schedule_falls_to_a_hundredth_of_the_rate_over_the_budget_and_each_epoch_shows_its_rate():
    session = Session({"dataset": "gauss", "points": 50, "schedule": "exponential", "lr": 0.1, "budget": 200})
    for _ in range(100):
        session.train_epoch()
    rates = [h["lr"] for h in session.history]
    assert rates[0] == 0.1 and rates[1] == pytest.approx(0.1 * 0.01 ** (1 / 200))  # not halved each epoch
    assert rates[100] == pytest.approx(0.01, rel=1e-9)  # halfway in the budget: a tenth of the rate
    session.apply({**session.settings, "budget": 400})  # a new budget: it ends a hundredth down at epoch 400
    while not session.stopped:
        session.train_epoch()
    assert session.epoch == 400 and session.history[-1]["lr"] == pytest.approx(0.001, rel=1e-9)
    assert session.frame(-1, 0)["lr"] == session.optimizer.lr
    (command,) = [line for line in session.frame(-1, 0)["command"].splitlines() if not line.startswith("#")]
    args = build_parser().parse_args(shlex.split(command)[1:])
    assert args.gamma ** args.epochs == pytest.approx(0.01)


def test_reset_draws_fresh_weights_and_the_link_of_each_repeats_them():
    session = Session({"dataset": "xor", "hidden": [3], "activation": ["tanh"]})
    starts = []
    for _ in range(3):
        starts.append(np.concatenate([p.data.ravel() for p in session.model.parameters()]))
        session.train_epoch()
        session.control("reset")
    assert not any(np.array_equal(a, b) for i, a in enumerate(starts) for b in starts[i + 1:])
    assert session.settings["init_seed"] == 4 and session.settings["seed"] == 0  # the same points
    again = Session(dict(session.settings))  # the page's link after the resets
    assert all(np.array_equal(a.data, b.data) for a, b in zip(session.model.parameters(), again.model.parameters()))
    assert np.array_equal(again.X_train, Session({"dataset": "xor"}).X_train)


@pytest.mark.parametrize("dataset", ["circle", "spiral", "lab-chessboard"])
def test_regression_on_a_set_of_class_labels_is_refused(dataset):
    with pytest.raises(ConfigError, match=f"the '{dataset}' data set holds class labels.*plane, gauss-mix"):
        check_settings({"dataset": dataset, "problem": "regression", "loss": "mse"})
    assert check_settings({"dataset": "gauss-mix", "problem": "regression", "loss": "mse"})["dataset"] == "gauss-mix"


def test_the_confusion_matrix_names_its_points_and_agrees_with_the_test_accuracy():
    session = Session({"dataset": "spiral", "classes": 3, "loss": "cross_entropy", "ratio": 30})
    for _ in range(5):
        session.train_epoch()
    confusion, numbers = session.confusion(), session.history[-1]
    counts = np.array(confusion["counts"])
    assert confusion["points"] == "test" and counts.sum() == len(session.y_test) == 280
    assert np.trace(counts) / counts.sum() == pytest.approx(numbers["test_accuracy"])


def test_the_inspector_matches_the_gradient_of_the_loss_on_that_point():
    """dL/dw of one point, by the inspector, against centred differences of the loss."""
    session = Session({"dataset": "gauss"})
    session.train_epoch()
    session.set_inspect(0, 1, 5)
    info = session.inspection()
    layer = session.linears[0]
    x, y = session.inputs_train[5:6], session.y_train[5:6]
    numeric = []
    for i in range(layer.in_features):
        losses = []
        for h in (1e-6, -1e-6):
            layer.weight.data[1, i] += h
            losses.append(session.loss_fn.forward(session.model.forward(x), y))
            layer.weight.data[1, i] -= h
        numeric.append((losses[0] - losses[1]) / 2e-6)
    assert np.allclose(info["grad_w"], numeric, atol=1e-5)
    assert info["z"] == pytest.approx(np.dot(info["weights"], info["inputs"]) + info["bias"], abs=1e-4)
    # the backward pass: the last layer's delta, then W^T delta times tanh' = 1 - a^2 for the layer below
    out_delta, hidden_delta = (np.array(b["delta"]) for b in info["backward"][-2:])
    a = session.model.layers[1].forward(session.linears[0].forward(x))[0]
    assert np.allclose(hidden_delta, (session.linears[1].weight.data.T @ out_delta) * (1 - a ** 2))
    weights = session.linears[0].weight.data.copy()
    session.train_on_point()
    assert not np.array_equal(weights, session.linears[0].weight.data) and session.epoch == 1


def test_an_exported_model_predicts_what_the_page_shows(server, tmp_path, capsys):
    key = new_session(server, dataset="xor", hidden=[6], activation=["tanh"], optimizer="adam", lr=0.03)
    for _ in range(20):
        request(server, "POST", f"/api/sessions/{key}/control", {"action": "step"})
    status, body = request(server, "GET", f"/api/sessions/{key}/model.npz")
    assert status == 200
    (tmp_path / "model.npz").write_bytes(body)
    frame = first_frames(server, key, 1)[0]
    value = np.frombuffer(base64.b64decode(frame["map"]["value"]), dtype=np.uint8)
    grid = np.linspace(-6, 6, int(np.sqrt(value.size)))
    rows = [(0, 0), (5, 5), (20, 3), (40, 31)]  # (row, column) of map pixels
    points = [(grid[c], grid[::-1][r]) for r, c in rows]
    (tmp_path / "points.csv").write_text("x1,x2\n" + "".join(f"{a},{b}\n" for a, b in points))
    assert main(["predict", "--model", str(tmp_path / "model.npz"), "--data", str(tmp_path / "points.csv")]) == 0
    scores = [float(line.rsplit("score ", 1)[1]) for line in capsys.readouterr().out.splitlines() if "score" in line]
    size = int(np.sqrt(value.size))
    shown = [value[r * size + c] / 255 for r, c in rows]
    assert np.allclose(scores, shown, atol=1 / 255 + 1e-9)


def test_a_downloaded_model_of_features_predicts_from_x1_x2_what_the_page_computes(server, tmp_path, capsys):
    """A page's model of x1, x2, sin(x1), x1*x2, downloaded, records its features as
    ``backproplab train --features`` does: predict takes raw x1, x2 and computes them, and its
    output is the page's network's on those points."""
    key = new_session(server, dataset="xor", features=["x1", "x2", "sin(x1)", "x1*x2"], hidden=[5],
                      activation=["tanh"], optimizer="adam", lr=0.03)
    for _ in range(5):
        request(server, "POST", f"/api/sessions/{key}/control", {"action": "step"})
    status, body = request(server, "GET", f"/api/sessions/{key}/model.npz")
    assert status == 200
    (tmp_path / "model.npz").write_bytes(body)
    points = np.random.default_rng(1).uniform(-6, 6, (30, 2))
    session = server.sessions.get(key)
    with session.lock:
        page = session.loss_fn.probabilities(session.predict(features(points, session.settings["features"])))[:, 0]
    model, metadata = load_model(tmp_path / "model.npz")
    ours = saved_loss(metadata).probabilities(predict_output(model, prepare_inputs(model, metadata, points)))[:, 0]
    assert np.allclose(ours, page, rtol=0, atol=1e-12)
    (tmp_path / "points.csv").write_text("x1,x2\n" + "".join(f"{float(a)!r},{float(b)!r}\n" for a, b in points))
    assert main(["predict", "--model", str(tmp_path / "model.npz"), "--data", str(tmp_path / "points.csv"),
                 "--out", str(tmp_path / "out.csv")]) == 0
    written = np.loadtxt(tmp_path / "out.csv", delimiter=",", skiprows=1)
    assert np.allclose(written[:, 2], page, rtol=1e-5, atol=1e-6)  # P(class 1), to the 6 digits written
    # four columns are not two points' coordinates: one line says what to give
    (tmp_path / "four.csv").write_text("".join(f"{a},{b},{np.sin(a)},{a * b}\n" for a, b in points))
    assert main(["predict", "--model", str(tmp_path / "model.npz"), "--data", str(tmp_path / "four.csv")]) == 2
    assert "give two columns, x1 and x2" in capsys.readouterr().err


def test_a_downloaded_regression_model_predicts_the_page_s_values(tmp_path, capsys):
    """A page's regression on features: predict prints each point's value, the page's network output."""
    session = Session({"dataset": "gauss-mix", "problem": "regression", "loss": "mse", "hidden": [5],
                       "activation": ["tanh"], "features": ["x1", "x2", "x1*x2", "sin(x2)"]})
    for _ in range(3):
        session.train_epoch()
    session.export(tmp_path / "model.npz")
    points = np.random.default_rng(2).uniform(-6, 6, (12, 2))
    page = session.predict(features(points, session.settings["features"]))[:, 0]
    model, metadata = load_model(tmp_path / "model.npz")
    assert np.allclose(predict_output(model, prepare_inputs(model, metadata, points))[:, 0], page, rtol=0, atol=1e-12)
    (tmp_path / "points.csv").write_text("".join(f"{float(a)!r},{float(b)!r}\n" for a, b in points))
    assert main(["predict", "--model", str(tmp_path / "model.npz"), "--data", str(tmp_path / "points.csv")]) == 0
    printed = [float(line.rsplit("value ", 1)[1]) for line in capsys.readouterr().out.splitlines()]
    assert np.allclose(printed, page, rtol=0, atol=1e-5)  # the 5 decimals printed


def test_predict_hints_at_a_label_column_left_in_a_table(tmp_path, capsys):
    """785 columns for a 784-pixel model: the label column of a training file is still there."""
    save_model(Sequential([Linear(784, 10, rng=np.random.default_rng(0))]), tmp_path / "model.npz",
               {"loss": "cross_entropy"})
    (tmp_path / "train.csv").write_text("label," + ",".join(f"pixel{i}" for i in range(784)) + "\n"
                                        + ",".join(["3"] + ["0"] * 784) + "\n")
    assert main(["predict", "--model", str(tmp_path / "model.npz"), "--data", str(tmp_path / "train.csv")]) == 2
    error = capsys.readouterr().err
    assert "has 785 columns, the model takes 784 features; if one column is the label, drop it" in error


def test_only_the_cli_imports_the_playground():
    importers = []
    for path in SRC.rglob("*.py"):
        if "playground" in path.relative_to(SRC).parts:  # the package itself, wherever the checkout is
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and "playground" in (node.module or ""):
                importers.append(path.relative_to(SRC).as_posix())
    assert importers == ["cli/playground.py"]


def page_run(session):
    """The page's (training loss, test loss) after each epoch, trained until its budget stops it."""
    while not session.stopped:
        session.train_epoch()
    return [(h["train_loss"], h["test_loss"]) for h in session.history[1:]]


@pytest.mark.parametrize("settings", [
    {"dataset": "spiral", "classes": 3, "loss": "cross_entropy", "hidden": [5], "activation": ["relu"],
     "features": ["x1", "sin(x2)"], "optimizer": "adam", "schedule": "step", "dropout": 0.1, "budget": 3},
    {"dataset": "circle", "noise": 20, "hidden": [4, 3], "activation": ["tanh", "relu"], "batch": 7, "ratio": 70,
     "regularization": "l2", "reg_rate": 0.01, "schedule": "cosine", "budget": 4, "seed": 5},
    {"dataset": "plane", "hidden": [3], "activation": ["tanh"], "budget": 2},  # its sign as two classes
    {"dataset": "xor", "hidden": [3], "activation": ["tanh"], "schedule": "exponential", "budget": 5, "init_seed": 9},
])
def test_the_python_script_reproduces_the_page_epoch_by_epoch(server, settings):
    """The exported script's data, network and each epoch's training and test loss are the page's."""
    key = new_session(server, **settings)
    status, text = request(server, "GET", f"/api/sessions/{key}/train.py")
    assert status == 200
    session = Session(settings)
    assert text.decode() == python_script(session)
    scope = {}
    exec(compile(text, "train.py", "exec"), scope)  # trains the budget's epochs and prints its losses
    assert np.array_equal(scope["X_train"], session.inputs_train)
    assert [type(layer).__name__ for layer in scope["model"].layers] == [
        type(layer).__name__ for layer in session.model.layers]
    page = page_run(session)
    assert len(scope["history"]) == len(page) == settings["budget"]
    assert np.allclose(scope["history"], page, rtol=0, atol=1e-9)


@pytest.mark.slow
def test_the_python_script_of_an_upload_runs_on_the_file_and_ends_where_the_page_does(tmp_path):
    rng = np.random.default_rng(3)
    rows = rng.uniform(-2, 7, (30, 2))
    text = "x1,x2,label\n" + "".join(f"{a:.3f},{b:.3f},{int(a + b > 5) + int(a > 4)}\n" for a, b in rows)
    (tmp_path / "points.csv").write_text(text)
    session = Session({"hidden": [4], "activation": ["tanh"], "budget": 3, "batch": 5})
    session.upload(text.encode())
    (tmp_path / "train.py").write_text(python_script(session))
    done = subprocess.run([sys.executable, "train.py"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    final = done.stdout.strip().splitlines()[-1]
    train_loss, test_loss = (float(word.strip(",")) for word in final.split()[3::3])
    assert np.allclose((train_loss, test_loss), page_run(session)[-1], rtol=0, atol=1e-9)
    assert session.n_classes == 3 and done.stdout.count("epoch ") == 3


@pytest.mark.parametrize("settings", [
    {"dataset": "xor", "hidden": [4, 3], "activation": ["tanh", "relu"]},
    {"dataset": "spiral", "classes": 3, "loss": "cross_entropy", "hidden": [5], "activation": ["sigmoid"],
     "features": ["x1", "x2", "x1*x2"]},
])
def test_the_inspector_shows_the_numbers_of_trace(settings):
    """Clicking a neuron shows what ``backproplab trace`` computes for that training point."""
    session = Session(settings)
    for _ in range(2):
        session.train_epoch()
    point = 7
    record = trace(session.model, session.inputs_train[point], session.y_train[point], session.loss_name).record
    positions = [session.model.layers.index(layer) for layer in session.linears]
    for k, i in enumerate(positions):
        layer = record["layers"][i]
        sym, backward = layer["symbols"], layer["backward"]
        for j in range(session.linears[k].out_features):
            session.set_inspect(k, j, point)
            info = session.inspection()
            assert info["z"] == pytest.approx(layer["forward"][sym["out"]][j], rel=1e-12, abs=1e-12)
            assert info["delta"] == pytest.approx(backward[f"dL/d{sym['out']}"][j], rel=1e-12, abs=1e-15)
            assert np.allclose(info["grad_w"], backward[f"dL/d{sym['weight']}"][j], rtol=1e-12, atol=1e-15)
            assert info["loss"] == pytest.approx(record["loss"]["value"], rel=1e-12)
        assert np.allclose(next(b["delta"] for b in info["backward"] if b["layer"] == k),
                           backward[f"dL/d{sym['out']}"], rtol=1e-12, atol=1e-15)


def test_a_clicked_weight_shows_the_numbers_of_trace(server):
    """The page's inspect request with ``from``: the weight, the delta it feeds, the activation it multiplies
    and dL/dw = delta * a, equal to what ``backproplab trace`` computes for that training point."""
    key = new_session(server, dataset="xor", hidden=[4, 3], activation=["tanh", "relu"], optimizer="adam")
    for _ in range(3):
        request(server, "POST", f"/api/sessions/{key}/control", {"action": "step"})
    session = server.sessions.get(key)
    point = 4
    positions = [session.model.layers.index(layer) for layer in session.linears]
    for k, j, i in [(0, 2, 1), (1, 0, 3), (2, 0, 2)]:
        with session.lock:  # the network as it is now (each round edits one weight)
            record = trace(session.model, session.inputs_train[point], session.y_train[point], session.loss_name).record
        status, _ = request(server, "POST", f"/api/sessions/{key}/inspect",
                            {"layer": k, "neuron": j, "point": point, "from": i})
        assert status == 200
        with session.lock:
            info = session.inspection()  # what the page's frames carry
        layer = record["layers"][positions[k]]
        sym, forward, backward = layer["symbols"], layer["forward"], layer["backward"]
        w = info["weight"]
        assert (info["layer"], info["neuron"], w["from"]) == (k, j, i)
        assert w["value"] == forward[sym["weight"]][j, i]
        assert w["input"] == pytest.approx(forward[sym["in"]][i], rel=1e-12, abs=1e-15)
        assert w["delta"] == pytest.approx(backward[f"dL/d{sym['out']}"][j], rel=1e-12, abs=1e-15)
        assert w["grad"] == pytest.approx(backward[f"dL/d{sym['weight']}"][j, i], rel=1e-12, abs=1e-15)
        assert w["grad"] == w["delta"] * w["input"]
        # editing it from the inspector: the weight takes the value and the inspector follows
        assert request(server, "POST", f"/api/sessions/{key}/weight",
                       {"layer": k, "to": j, "from": i, "value": 0.25})[0] == 200
        with session.lock:
            assert session.inspection()["weight"]["value"] == 0.25
    status, data = request(server, "POST", f"/api/sessions/{key}/inspect", {"layer": 0, "neuron": 0, "point": 0, "from": 9})
    assert status == 400 and "weights from inputs 0 .. 1" in data["error"]
    frame = first_frames(server, key, 1)[0]  # the frame carries the inspected weight
    assert frame["inspect"]["weight"]["from"] == 2 and frame["inspect"]["weight"]["value"] == 0.25


TRAIN_SETUPS = [
    {},
    {"dataset": "lab-chessboard", "noise": 20, "points": 200, "ratio": 70, "hidden": [6, 5],
     "activation": ["relu", "tanh"], "features": ["x1", "x2", "sin(x1)"], "optimizer": "adam", "lr": 0.01,
     "schedule": "cosine", "regularization": "l2", "reg_rate": 0.003, "batch": 16, "budget": 300, "dropout": 0.1},
    {"dataset": "spiral", "classes": 3, "loss": "cross_entropy", "optimizer": "nesterov", "schedule": "step",
     "regularization": "l1", "reg_rate": 0.01, "target_accuracy": 0.95, "target_loss": 0.1},
    {"dataset": "gauss-mix", "problem": "regression", "loss": "mse", "hidden": [], "activation": []},
    {"dataset": "lab-xor", "optimizer": "adamw", "schedule": "plateau", "regularization": "l2", "reg_rate": 0.1},
]


@pytest.mark.parametrize("settings", TRAIN_SETUPS)
def test_the_train_command_parses_and_carries_the_set_up(settings):
    s = check_settings(settings)
    text = Session(settings).frame(-1, 0)["command"]
    notes = [line for line in text.splitlines() if line.startswith("#")]
    (command,) = [line for line in text.splitlines() if not line.startswith("#")]
    words = shlex.split(command)
    assert words[:2] == ["backproplab", "train"]
    args = build_parser().parse_args(words[1:])
    assert (args.optimizer, args.lr, args.schedule, args.batch_size) == (s["optimizer"], s["lr"], s["schedule"], s["batch"])
    assert args.epochs == (s["budget"] or 1000) and (args.seed, args.init_seed) == (s["seed"], s["init_seed"])
    assert args.epoch_loss == "after"  # the page's books
    assert args.loss == s["loss"] and args.dropout == (s["dropout"] or None)
    if s["hidden"]:
        assert args.hidden == s["hidden"] and set(args.activation) == set(s["activation"])
    else:
        assert args.hidden == [0]  # none
    if s["regularization"] != "none":  # the page's penalty, on the weights alone, not the optimizer's decay
        assert (args.penalty, args.penalty_rate, args.weight_decay) == (s["regularization"], s["reg_rate"], None)
    assert args.features == (None if s["features"] == ["x1", "x2"] else s["features"])
    if s["target_accuracy"]:
        assert args.target_accuracy == s["target_accuracy"]
    assert args.target_loss == (s["target_loss"] or None)
    if s["dataset"].startswith("lab-"):
        assert args.dataset == s["dataset"][4:]
    if s["dataset"] == "lab-chessboard":
        assert (args.n, args.test_size, args.t_max, args.hold_out, args.square) == (200, 60, 300, True, 5)
        assert args.noise == 0.2 * (20 / 100)  # the page's noise on the unit square
    if s["dataset"] == "gauss-mix":  # a surface of values, regressed onto
        assert (args.dataset, args.loss, args.targets) == ("playground-gauss-mix", "mse", None)
    if s["dataset"] in ("circle", "spiral"):  # the page's own shapes: drawn, split and scaled as the page does
        assert (args.dataset, args.n, args.test_size) == ("playground-" + s["dataset"], 400, 200)
        assert args.classes == (3 if s["dataset"] == "spiral" else None)
    # nothing is left to say but that a page which has not trained yet trains until paused
    assert [note for note in notes[1:] if "until paused" not in note] == []


# What the page's controls offer besides the registries' choices: the ends of app.js's lists
# (LR, REG_RATE, POINTS, DROPOUT, TARGETS) and of index.html's sliders (ratio, noise, batch).
PAGE_VALUES = {"lr": [1e-5, 10], "reg_rate": [0.001, 10], "points": [50, 2000], "dropout": [0.1, 0.5],
               "target_accuracy": [0.9, 1.0], "ratio": [10, 90], "noise": [0, 50], "batch": [1, 50],
               "budget": [0, 100], "target_loss": [0.01], "classes": [3, 6]}


def page_setups():
    """One set-up per choice the page offers (each alone, from the defaults), and every data set
    at the smallest and largest training sets with the largest and smallest batches."""
    setups = []
    for name, values in choices().items():
        for value in values:
            if name == "features":
                setups.append({"features": [value]})
            elif name == "activation":
                setups.append({"activation": [value, value]})
            elif name == "problem":
                setups.append({"problem": value, "loss": "mse" if value == "regression" else "bce",
                               **({"dataset": "plane"} if value == "regression" else {})})
            elif name == "dataset":
                regression = {"problem": "regression", "loss": "mse"} if value in ("plane", "gauss-mix") else {}
                for size in ({}, {"points": 50, "ratio": 10, "batch": 50}, {"points": 2000, "ratio": 90, "batch": 1},
                             {"classes": 3, "loss": "cross_entropy"}):
                    setups.append({"dataset": value, **regression, **size})
            else:
                setups.append({name: value})
    for name, values in PAGE_VALUES.items():
        setups += [{name: value, **({"loss": "cross_entropy"} if name == "classes" else {})} for value in values]
    setups += [{"regularization": r, "reg_rate": 0.01} for r in ("l1", "l2")]
    setups += [{"schedule": name, "budget": 10} for name in choices()["schedule"]]
    setups += [{"hidden": [], "activation": []}, {"hidden": [32] * 8, "activation": ["relu"] * 8}]
    return setups


def page_session(settings, points_csv):
    """The page's session for ``settings``; the csv data set trains on the file ``points_csv``, uploaded."""
    if settings.get("dataset") != "csv":
        return Session(settings)
    session = Session()
    session.upload(points_csv.read_bytes())
    session.apply({**session.settings, **settings})
    return session


@pytest.mark.slow
def test_every_command_the_page_shows_is_accepted_by_backproplab_train(tmp_path, monkeypatch):
    """For every choice the page offers, its command parses, makes a valid RunConfig and prepares
    (data drawn or read, network built), as ``backproplab train`` would."""
    monkeypatch.chdir(tmp_path)  # the csv command reads points.csv, the uploaded file
    rng = np.random.default_rng(0)
    rows = rng.uniform(-3, 3, (60, 2))
    points_csv = tmp_path / "points.csv"
    points_csv.write_text("x1,x2,label\n" + "".join(f"{a:.3f},{b:.3f},{int(a > b)}\n" for a, b in rows))
    options = [f.name for f in dataclasses.fields(RunConfig)]
    rejected, shown = [], 0
    for settings in page_setups():
        try:
            session = page_session(settings, points_csv)
        except ConfigError:
            continue  # the page refuses this set-up itself, and so shows no command for it
        text = session.frame(-1, 0)["command"]
        (command,) = [line for line in text.splitlines() if not line.startswith("#")]
        words = shlex.split(command)
        shown += 1
        said = [line for line in text.splitlines()[1:] if line.startswith("#") and "until paused" not in line]
        if said:  # the command carries every set-up: nothing it cannot express
            rejected.append(f"{settings}: {said}")
        try:
            args = build_parser().parse_args(words[1:])
            given = {name: getattr(args, name) for name in options if getattr(args, name, None) is not None}
            given.update({k: tuple(v) for k, v in given.items() if isinstance(v, list)})
            prepare(RunConfig.for_dataset(**given))
        except SystemExit:
            rejected.append(f"{settings}: the parser refuses {command}")
        except ConfigError as e:
            rejected.append(f"{settings}: {e}\n    {command}")
    assert shown > 100
    assert not rejected, "\n".join(rejected)


@pytest.mark.slow
@pytest.mark.parametrize("settings", [TRAIN_SETUPS[1], {"dataset": "gauss", "points": 50, "ratio": 10, "batch": 50},
                                      {"dataset": "xor", "batch": 50, "activation": ["leaky_relu", "identity"]}])
def test_the_train_command_runs(settings, tmp_path, capsys):
    """The command, with --epochs 1 and a folder to write to, trains in backproplab train."""
    text = Session(settings).frame(-1, 0)["command"]
    (command,) = [line for line in text.splitlines() if not line.startswith("#")]
    words = shlex.split(command)[2:]
    words[words.index("--epochs") + 1] = "1"  # the page's budget, cut to one epoch
    words += ["--out", str(tmp_path / "run")]
    assert main(["train", *words]) == 0
    assert (tmp_path / "run").is_dir()


def test_a_regression_csv_trains_on_its_float_targets(server):
    key = new_session(server, dataset="plane", problem="regression", loss="mse", hidden=[4], activation=["tanh"])
    rows = "".join(f"{x},{y},{0.1 * x - 0.05 * y + 0.01:.4f}\n" for x in range(-3, 4) for y in range(-2, 3))
    status, data = request(server, "POST", f"/api/sessions/{key}/upload", "x1,x2,label\n" + rows)
    assert status == 200 and data["settings"]["dataset"] == "csv" and data["settings"]["problem"] == "regression"
    session = server.sessions.get(key)
    targets = sorted({round(0.1 * x - 0.05 * y + 0.01, 4) for x in range(-3, 4) for y in range(-2, 3)})
    assert sorted(set(np.concatenate([session.y_train, session.y_test]).tolist())) == targets
    assert request(server, "POST", f"/api/sessions/{key}/control", {"action": "step"})[1]["epoch"] == 1
    assert session.history[-1]["train_loss"] is not None and session.n_classes == 0
    for body, status, words in [
        ("x1,x2,label\n1,2,0.5\n3,4,nan\n1,1,1\n2,2,2\n", 400, "NaN or inf"),
        ("x1,x2,label\n1,2,0.5\n3,4,inf\n1,1,1\n2,2,2\n", 400, "NaN or inf"),
        ("x1,x2,label\n1,2,0.5\n3,4,big\n", 400, "not a number"),
        ("x1,x2,label\n1,2,0.5\n", 400, "1 rows; give 4 to 2000"),
        ("x1,x2,label\n" + "1,2,0.5\n" * 2001, 400, "2001 rows"),
        ("1,2,3,0.5\n" * 5, 400, "3 feature columns"),
        ("1.5,2.5,0.5\n" * (MAX_UPLOAD_BYTES // 12 + 1), 413, "limit"),
    ]:
        got, data = request(server, "POST", f"/api/sessions/{key}/upload", body)
        assert got == status and words in data["error"], (body[:40], data)
    # the float targets are not class labels: classification refuses them and keeps training on the file
    status, data = request(server, "POST", f"/api/sessions/{key}/settings",
                           {"settings": {**session.settings, "problem": "classification", "loss": "bce"}})
    assert status == 400 and "not class labels" in data["error"]
    assert session.settings["problem"] == "regression" and session.settings["dataset"] == "csv"
    text = first_frames(server, key, 1)[0]["command"]  # the train command names the file and the split
    (command,) = [line for line in text.splitlines() if not line.startswith("#")]
    args = build_parser().parse_args(shlex.split(command)[1:])
    assert (args.dataset, args.data, args.loss, args.test_size) == ("csv-points", "points.csv", "mse", 17)
    assert (args.targets, args.square) == ("values", 5)  # the page's targets, and its placing of the file
    assert not [line for line in text.splitlines()[1:] if line.startswith("#") and "until paused" not in line]


def test_a_second_upload_trains_on_the_second_file(server):
    """Each upload brings its own points, network and confusion matrix, even after an upload."""
    key = new_session(server, hidden=[3], activation=["tanh"])
    one = "x1,x2,label\n" + "".join(f"{x},{y},{int(x > y)}\n" for x in range(-3, 4) for y in range(-3, 4))
    two = "x1,x2,label\n" + "".join(f"{x / 2},{y},{(x + y) % 3}\n" for x in range(-4, 5) for y in range(-2, 3))
    session = server.sessions.get(key)
    answers = []
    for body in (one, two):
        status, data = request(server, "POST", f"/api/sessions/{key}/upload", body)
        assert status == 200 and data["settings"]["dataset"] == "csv"
        frame = first_frames(server, key, 1)[0]  # what the page gets
        answers.append((len(frame["points"]["train"]) + len(frame["points"]["test"]), frame["points"]["classes"],
                        len(frame["weights"][-1]["bias"]), len(frame["confusion"]["counts"])))
    assert answers == [(49, 2, 1, 2), (45, 3, 3, 3)]
    labels = np.concatenate([session.y_train, session.y_test])
    assert sorted(np.bincount(labels).tolist()) == sorted(np.bincount([(x + y) % 3 for x in range(-4, 5)
                                                                      for y in range(-2, 3)]).tolist())


def test_a_hovered_unit_is_drawn_as_large_as_the_map_and_the_map_is_100_pixels_a_side(server):
    from backproplab.playground.frames import unit_values

    key = new_session(server, dataset="xor", hidden=[4, 3], activation=["tanh", "relu"])
    status, data = request(server, "POST", f"/api/sessions/{key}/hover", {"layer": 2, "neuron": 1})
    assert status == 200
    frame = first_frames(server, key, 1)[0]
    shown = decoded([[frame["hover"]["value"]]])[0][0]
    assert shown.size == 100 * 100 and decoded([[frame["map"]["value"]]])[0][0].size == 100 * 100
    session = server.sessions.get(key)
    values, low = unit_values(session, 100)[2]
    assert np.allclose(shown, (values[:, 1] - low) / (1 - low), atol=0.5 / 255 + 1e-12)
    for body, words in [({"layer": 3, "neuron": 1}, "hover names a layer 0 .. 3"), ({"layer": 1, "neuron": 4}, "got 1, 4"),
                        ({"layer": 1}, "got 1, None"), ({"layer": -1, "neuron": 0}, "layer must be")]:
        status, data = request(server, "POST", f"/api/sessions/{key}/hover", body)
        assert status == 400 and words in data["error"], (body, data)
    assert request(server, "POST", f"/api/sessions/{key}/hover", {})[0] == 200
    assert first_frames(server, key, 1)[0]["hover"] is None
    big = Session({"hidden": [32] * 8, "activation": ["relu"] * 8})  # too large to draw 100 x 100 at 30 a second
    assert decoded([[big.frame(-1, 0)["map"]["value"]]])[0][0].size == 64 * 64


def test_show_gradients_sends_the_full_batch_gradient_and_leaves_training_as_it_was(server):
    key = new_session(server, dataset="gauss", hidden=[4, 3], activation=["tanh", "relu"], optimizer="adam", lr=0.03)
    request(server, "POST", f"/api/sessions/{key}/control", {"action": "step"})
    assert first_frames(server, key, 1)[0]["gradients"] is None  # computed only for a page that shows them
    assert request(server, "POST", f"/api/sessions/{key}/view", {"gradients": True})[0] == 200
    session = server.sessions.get(key)
    before = [p.grad.copy() for p in session.model.parameters()]
    shown = first_frames(server, key, 1)[0]["gradients"]
    assert all(np.array_equal(a, p.grad) for a, p in zip(before, session.model.parameters()))
    with session.lock:  # the same gradient, by hand: zeroed, forward and backward on every training point
        session.model.eval()
        for p in session.model.parameters():
            p.grad[...] = 0.0
        session.loss_fn.forward(session.model.forward(session.inputs_train), session.y_train)
        session.model.backward(session.loss_fn.backward())
        expected = [(layer.weight.grad.copy(), layer.bias.grad.copy()) for layer in session.linears]
    for layer, (gw, gb) in zip(shown, expected):
        assert np.allclose(layer["weight"], gw, rtol=1e-12, atol=1e-15) and np.allclose(layer["delta"], gb, rtol=1e-12)
    assert any(np.abs(gw).max() > 1e-6 for gw, _ in expected)
    status, data = request(server, "POST", f"/api/sessions/{key}/view", {"gradients": "yes"})
    assert status == 400 and "gradients must be true or false" in data["error"]
    request(server, "POST", f"/api/sessions/{key}/view", {"gradients": False})
    assert first_frames(server, key, 1)[0]["gradients"] is None


def test_with_show_gradients_a_hovered_neuron_brings_its_delta_at_each_training_point(server):
    key = new_session(server, dataset="xor", hidden=[3], activation=["tanh"], points=50)
    request(server, "POST", f"/api/sessions/{key}/view", {"gradients": True})
    request(server, "POST", f"/api/sessions/{key}/hover", {"layer": 1, "neuron": 2})
    deltas = first_frames(server, key, 1)[0]["hover"]["deltas"]
    session = server.sessions.get(key)
    expected = []
    with session.lock:  # each point's delta, from the inspector's backward pass on that point alone
        for point in range(len(session.y_train)):
            session.set_inspect(0, 2, point)
            expected.append(session.inspection())
        session.inspect = None
    assert len(deltas) == len(session.y_train) == 25
    assert np.allclose(deltas, [e["delta"] for e in expected], rtol=1e-3, atol=1e-12)
    request(server, "POST", f"/api/sessions/{key}/hover", {"layer": 0, "neuron": 1})  # an input has no delta
    assert "deltas" not in first_frames(server, key, 1)[0]["hover"]
