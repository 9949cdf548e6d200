"""The playground page in real headless Chromium, driven with Selenium.

Needs Chromium and ChromeDriver (Debian packages chromium and chromium-driver, which
.ci/run installs) and selenium; skips, saying so, without them. One server on
127.0.0.1 and one browser serve the whole file; both are stopped at its end.
"""

import os
import shlex
import time
import urllib.parse

import pytest
from conftest import headless_chromium

from backproplab.cli import build_parser
from backproplab.tracing import trace
from test_playground import serving

# Every test here drives a real browser against a real server.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("test_playground_browser")]  # one process, one browser and server


@pytest.fixture(scope="session")
def server():
    with serving() as srv:
        yield srv


@pytest.fixture(scope="session")
def browser():
    driver = headless_chromium(1280, 900)
    driver.set_script_timeout(10)
    yield driver
    driver.quit()


def wait_for(browser, script, timeout=15):
    """Poll a JavaScript expression until it is truthy; return its value."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = browser.execute_script(f"return {script}")
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {script}")


def open_page(browser, server, query=""):
    browser.get(server.url + (f"?{query}" if query else ""))
    wait_for(browser, "window.playground && window.playground.frames > 0")


def errors(browser):
    return [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]


def settings(browser):
    return browser.execute_script("return window.playground.last.settings")


def choose(browser, element_id, value):
    browser.execute_script(
        "const s = document.getElementById(arguments[0]); s.value = arguments[1];"
        "s.dispatchEvent(new Event('change'));", element_id, value)


def test_play_makes_the_loss_fall_and_redraws_the_map(browser, server, tmp_path):
    open_page(browser, server, "dataset=gauss&optimizer=adam&lr=0.03")
    assert errors(browser) == []
    before = browser.execute_script("return document.getElementById('map').toDataURL()")
    first = browser.execute_script("return window.playground.losses[0].train_loss")
    browser.find_element("id", "play").click()
    wait_for(browser, "window.playground.last.epoch >= 60")
    browser.find_element("id", "play").click()
    wait_for(browser, "!window.playground.last.playing")
    after = browser.execute_script("return document.getElementById('map').toDataURL()")
    chart = browser.execute_script("return window.playground.losses.map(p => p.train_loss)")
    assert chart[-1] < 0.5 * first and len(chart) > 60
    assert after != before
    assert int(browser.find_element("id", "epoch").text.replace(",", "")) >= 60
    assert browser.save_screenshot(str(tmp_path / "playground.png"))
    assert errors(browser) == []


def test_controls_take_effect(browser, server):
    open_page(browser, server)
    choose(browser, "activation", "relu")
    wait_for(browser, "window.playground.last.settings.activation.every(a => a === 'relu')")
    choose(browser, "lr", "0.3")
    wait_for(browser, "window.playground.last.settings.lr === 0.3")
    browser.find_element("id", "add-layer").click()
    wait_for(browser, "window.playground.last.settings.hidden.length === 3")
    wait_for(browser, "window.playground.last.weights.length === 4")
    browser.find_elements("css selector", ".add-neuron")[0].click()
    wait_for(browser, "window.playground.last.settings.hidden[0] === 5")
    choose(browser, "dataset", "xor")
    wait_for(browser, "window.playground.last.settings.dataset === 'xor'")
    browser.find_element("id", "step").click()
    wait_for(browser, "window.playground.last.epoch === 1")
    query = urllib.parse.parse_qs(urllib.parse.urlparse(browser.current_url).query)
    assert query["dataset"] == ["xor"] and query["hidden"] == ["5,2,2"] and query["lr"] == ["0.3"]
    assert errors(browser) == []


def test_a_link_restores_the_set_up(browser, server):
    query = ("dataset=spiral&classes=3&loss=cross_entropy&hidden=8,6&activation=relu,tanh&lr=0.1"
             "&optimizer=adam&features=x1,x2,sin(x1)&showTest=1&discretize=1")
    open_page(browser, server, query)
    s = settings(browser)
    assert (s["dataset"], s["classes"], s["loss"], s["hidden"], s["activation"], s["lr"], s["optimizer"]) == (
        "spiral", 3, "cross_entropy", [8, 6], ["relu", "tanh"], 0.1, "adam")
    assert s["features"] == ["x1", "x2", "sin(x1)"]
    assert browser.execute_script("return document.getElementById('show-test').checked")
    assert browser.execute_script("return window.playground.last.map.kind") == "classes"
    assert len(browser.find_elements("css selector", "#confusion tr")) == 4
    assert errors(browser) == []


def test_an_uploaded_csv_trains_and_a_neuron_shows_its_numbers(browser, server, tmp_path):
    rows = "".join(f"{x},{y},{int(x * y > 0)}\n" for x in (-2, -1, 1, 2) for y in (-2, -1.5, 1, 2))
    path = tmp_path / "points.csv"
    path.write_text("x1,x2,label\n" + rows)
    open_page(browser, server)
    browser.find_element("id", "upload").send_keys(os.fspath(path))
    wait_for(browser, "window.playground.last.settings.dataset === 'csv'")
    wait_for(browser, "window.playground.last.data_version !== undefined || true")
    browser.find_element("id", "step").click()
    wait_for(browser, "window.playground.last.epoch === 1")
    browser.find_elements("css selector", ".node[data-layer='1']")[0].click()
    info = wait_for(browser, "window.playground.last.inspect")
    text = wait_for(browser, "document.getElementById('inspect-text') && document.getElementById('inspect-text').textContent")
    assert f"{info['z']:.5f}" in text and "delta = dL/dz" in text
    before = browser.execute_script("return JSON.stringify(window.playground.last.weights)")
    browser.find_element("id", "sample-step").click()
    wait_for(browser, f"JSON.stringify(window.playground.last.weights) !== {before!r}")
    for _ in info["backward"]:
        browser.find_element("id", "walk-back").click()
    walked = browser.find_element("id", "backward-text").text
    assert "(output)" in walked and all(f"delta{b['layer'] + 1} =" in walked for b in info["backward"])
    assert errors(browser) == []


def test_a_second_upload_shows_its_own_points_network_and_confusion_matrix(browser, server, tmp_path):
    one = "x1,x2,label\n" + "".join(f"{x},{y},{int(x > y)}\n" for x in range(-3, 4) for y in range(-3, 4))
    two = "x1,x2,label\n" + "".join(f"{x / 2},{y},{(x + y) % 3}\n" for x in range(-4, 5) for y in range(-2, 3))
    open_page(browser, server, "hidden=3&activation=tanh")
    seen = []
    for name, text in (("one.csv", one), ("two.csv", two)):
        path = tmp_path / name
        path.write_text(text)
        browser.find_element("id", "upload").send_keys(os.fspath(path))
        wait_for(browser, f"document.getElementById('status').textContent.startsWith('Training on {name}')")
        rows = text.count("\n") - 1
        wait_for(browser, f"points && points.train.length + points.test.length === {rows}")
        seen.append((browser.execute_script("return new Set(points.train.concat(points.test).map(p => p[2])).size"),
                     len(browser.find_elements("css selector", ".node[data-layer='2']")),
                     len(browser.find_elements("css selector", "#confusion tr")) - 1))  # less the header row
    assert seen == [(2, 1, 2), (3, 3, 3)]  # classes among the points, output boxes, confusion matrix rows
    assert errors(browser) == []


def test_the_page_says_when_the_server_stops(browser):
    with serving() as srv:
        open_page(browser, srv)
    text = wait_for(browser, "!document.getElementById('status').hidden && document.getElementById('status').textContent")
    assert "server has stopped" in text
    assert all(srv.url in e["message"] for e in errors(browser))  # the failed requests, all to that server


def test_a_regression_csv_of_float_targets_trains(browser, server, tmp_path):
    rows = "".join(f"{x},{y},{0.3 * x - 0.2 * y + 0.05:.3f}\n" for x in (-2, -1, 0, 1, 2) for y in (-2, -1, 1, 2))
    path = tmp_path / "targets.csv"
    path.write_text("x1,x2,label\n" + rows)
    open_page(browser, server, "dataset=plane&problem=regression&loss=mse")
    browser.find_element("id", "upload").send_keys(os.fspath(path))
    wait_for(browser, "window.playground.last.settings.dataset === 'csv'")
    targets = browser.execute_script("return points.train.concat(points.test).map(r => r[2])")  # the page's points
    assert len(targets) == 20 and any(abs(v - round(v)) > 1e-9 for v in targets)
    browser.find_element("id", "step").click()
    wait_for(browser, "window.playground.last.epoch === 1")
    assert browser.execute_script("return window.playground.last.map.kind") == "regression"
    assert browser.execute_script("return isFinite(window.playground.losses.at(-1).train_loss)")
    assert [b.text for b in browser.find_elements("css selector", ".losses > div") if b.is_displayed()] == [
        f"Training loss\n{browser.execute_script('return window.playground.losses.at(-1).train_loss'):.3f}",
        f"Test loss\n{browser.execute_script('return window.playground.losses.at(-1).test_loss'):.3f}"]
    assert errors(browser) == []


def test_a_clicked_weight_shows_its_backpropagation_and_can_be_edited(browser, server, tmp_path):
    open_page(browser, server, "dataset=xor&hidden=3&activation=tanh&optimizer=adam&lr=0.03")
    browser.find_element("id", "step").click()
    wait_for(browser, "window.playground.last.epoch === 1")
    # the line from input x2 to hidden neuron 3: no other line crosses its middle, where the click lands
    browser.find_element("css selector", "#links path[data-layer='0'][data-to='2'][data-from='1']").click()
    info = wait_for(browser, "window.playground.last.inspect && window.playground.last.inspect.weight"
                             " && window.playground.last.inspect")
    w = info["weight"]
    assert (info["layer"], info["neuron"], w["from"]) == (0, 2, 1)
    # the numbers of backproplab trace for that training point, from the page's own network in the server
    (session,) = [s for s in server.sessions._sessions.values() if s.epoch == 1 and s.settings["hidden"] == [3]]
    with session.lock:
        record = trace(session.model, session.inputs_train[info["point"]], session.y_train[info["point"]],
                       session.loss_name).record
    layer = record["layers"][0]
    sym, forward, backward = layer["symbols"], layer["forward"], layer["backward"]
    assert w["value"] == forward[sym["weight"]][2, 1]
    assert w["input"] == pytest.approx(forward[sym["in"]][1], rel=1e-12)
    assert w["delta"] == pytest.approx(backward[f"dL/d{sym['out']}"][2], rel=1e-12, abs=1e-15)
    assert w["grad"] == pytest.approx(backward[f"dL/d{sym['weight']}"][2, 1], rel=1e-12, abs=1e-15)
    text = browser.find_element("id", "weight-text").text
    shown = browser.execute_script(
        "const w = window.playground.last.inspect.weight;"
        "return [w.value.toPrecision(6), w.input.toPrecision(6), w.delta.toExponential(4), w.grad.toExponential(4)]")
    assert all(number in text for number in shown) and "dL/dw = delta * a" in text, text
    assert browser.execute_script("return document.querySelector(\"#links path.selected\").dataset.from") == "1"
    assert browser.save_screenshot(str(tmp_path / "playground-weight.png"))
    box = browser.find_element("id", "weight-value")
    box.clear()
    box.send_keys("1.5")
    browser.find_element("id", "weight-set").click()
    wait_for(browser, "window.playground.last.weights[0].weight[2][1] === 1.5")
    wait_for(browser, "window.playground.last.inspect.weight.value === 1.5")
    assert errors(browser) == []


def test_the_page_shows_the_train_command(browser, server):
    open_page(browser, server, "dataset=lab-chessboard&features=x1,x2,x1*x2&regularization=l2&reg_rate=0.01")
    text = wait_for(browser, "document.getElementById('command').textContent")
    (command,) = [line for line in text.splitlines() if line.startswith("backproplab train")]
    args = build_parser().parse_args(shlex.split(command)[1:])
    assert (args.dataset, args.penalty, args.penalty_rate) == ("chessboard", "l2", 0.01)
    assert args.features == ["x1", "x2", "x1*x2"]


def test_each_accuracy_says_which_points_it_counts_and_the_stop_rule_watches_the_shown_one(browser, server):
    """Training and test accuracy are shown and labelled, the confusion matrix names its points,
    and "Stop at training accuracy" stops where the training accuracy shown has reached it."""
    open_page(browser, server, "dataset=spiral&optimizer=adam&lr=0.03&hidden=8,6&activation=tanh,tanh"
                               "&target_accuracy=0.9&ratio=30")
    label = browser.execute_script("return document.getElementById('target_accuracy').parentElement.textContent")
    assert "Stop at training accuracy" in label
    browser.find_element("id", "play").click()
    wait_for(browser, "window.playground.last.stopped", timeout=60)
    status = browser.find_element("id", "status").text
    assert "training accuracy reached 90%" in status
    last = browser.execute_script("return window.playground.losses.at(-1)")
    boxes = {b.text.split("\n")[0]: b.text.split("\n")[1]
             for b in browser.find_elements("css selector", ".losses > div")}
    assert boxes["Training accuracy"] == f"{100 * last['train_accuracy']:.1f}%"
    assert boxes["Test accuracy"] == f"{100 * last['test_accuracy']:.1f}%"
    assert last["train_accuracy"] >= 0.9 and float(boxes["Training accuracy"].rstrip("%")) >= 90
    caption = browser.find_element("css selector", "#confusion caption").text
    n_test = browser.execute_script("return points.test.length")
    assert caption == f"Confusion matrix, {n_test} test points"
    counts = browser.execute_script("return window.playground.last.confusion.counts")
    correct = sum(counts[i][i] for i in range(len(counts)))
    assert correct / n_test == pytest.approx(last["test_accuracy"])
    assert errors(browser) == []


def test_the_map_shows_its_coordinates(browser, server):
    """Tick labels at the map's edges give the square x1 and x2 run over, [-6, 6]."""
    open_page(browser, server)
    rect = "arguments[0].getBoundingClientRect()"
    canvas = browser.execute_script(f"return {rect}", browser.find_element("id", "map"))
    for axis, texts in (("x", ["-6", "x1", "6"]), ("y", ["6", "x2", "-6"])):
        ticks = browser.find_elements("css selector", f".ticks.{axis} span")
        assert [t.text for t in ticks] == texts
        first, last = (browser.execute_script(f"return {rect}", t) for t in (ticks[0], ticks[-1]))
        if axis == "x":  # under the map, from its left edge to its right edge
            assert first["top"] >= canvas["bottom"] - 1 and abs(first["left"] - canvas["left"]) <= 2
            assert abs(last["right"] - canvas["right"]) <= 2
        else:  # left of the map, from its top to its bottom
            assert first["right"] <= canvas["left"] + 1 and abs(first["top"] - canvas["top"]) <= 3
            assert abs(last["bottom"] - canvas["bottom"]) <= 3
    assert errors(browser) == []


@pytest.mark.parametrize("kind", ["window", "tab"])
def test_ten_pages_in_one_browser_all_train_and_draw(browser, server, kind):
    """A browser keeps at most 6 connections per host, and no page holds one for long: ten windows
    side by side all play, train and draw; of ten tabs, the one in front does, and a tab shown
    again trains on."""
    first = browser.current_window_handle
    open_page(browser, server, "dataset=xor")
    pages = [first]
    try:
        for _ in range(9):
            browser.switch_to.new_window(kind)
            pages.append(browser.current_window_handle)
            open_page(browser, server, "dataset=xor")  # the 7th and later too
        for page in pages:
            browser.switch_to.window(page)
            browser.find_element("id", "play").click()
        shown = pages if kind == "window" else pages[-1:]  # a hidden tab asks for no frames
        for page in shown:
            browser.switch_to.window(page)
            frames = browser.execute_script("return window.playground.frames")
            wait_for(browser, f"window.playground.frames > {frames} + 3 && window.playground.last.epoch > 5")
        if kind == "tab":
            browser.switch_to.window(first)
            browser.execute_script("window.focus()")
            epoch = wait_for(browser, "document.visibilityState === 'visible' && window.playground.last.epoch + 1")
            wait_for(browser, f"window.playground.last.epoch > {epoch + 5}")
        assert errors(browser) == []
    finally:
        for page in pages[1:]:
            browser.switch_to.window(page)
            browser.close()
        browser.switch_to.window(first)
        browser.find_element("id", "play").click()


CLASS_COLOURS = [(245, 147, 34), (8, 119, 189), (44, 160, 44), (214, 39, 40), (148, 103, 189), (140, 86, 75)]


def test_the_output_boxes_of_a_six_class_network_show_its_answer(browser, server):
    """Each output box of a 6-class network is that class's probability, drawn from white to the class's colour."""
    open_page(browser, server, "dataset=gauss&classes=6&loss=cross_entropy&hidden=8&activation=tanh"
                               "&optimizer=adam&lr=0.03")
    browser.find_element("id", "play").click()
    wait_for(browser, "window.playground.last.epoch >= 30")
    browser.find_element("id", "play").click()
    wait_for(browser, "!window.playground.last.playing")
    last = max(int(n.get_attribute("data-layer")) for n in browser.find_elements("css selector", ".node"))
    strongest = browser.execute_script(  # each output box's pixel farthest from white, and how far
        "return [...document.querySelectorAll(`.node[data-layer='${arguments[0]}'] canvas`)].map(c => {"
        "  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        "  let best = [255, 255, 255], far = 0;"
        "  for (let i = 0; i < d.length; i += 4) {"
        "    const f = 3 * 255 - d[i] - d[i + 1] - d[i + 2];"
        "    if (f > far) { far = f; best = [d[i], d[i + 1], d[i + 2]]; } }"
        "  return [best, far]; })", last)
    assert len(strongest) == 6
    for k, (pixel, far) in enumerate(strongest):
        assert far > 100, (k, pixel)  # not blank: the class is likely somewhere on the square
        nearest = min(range(6), key=lambda c: sum((a - b) ** 2 for a, b in zip(pixel, CLASS_COLOURS[c])))
        assert nearest == k, (k, pixel)  # in its own class's colour
    from selenium.webdriver import ActionChains

    box = browser.find_elements("css selector", f".node[data-layer='{last}']")[3]
    ActionChains(browser).move_to_element(box).perform()  # large on the map, with its own legend
    wait_for(browser, "window.playground.last.hover && window.playground.last.hover.neuron === 3")
    assert wait_for(browser, "document.getElementById('map-legend').textContent") == "0P(class 3)1"
    assert errors(browser) == []
