"""The playground page as a student sees it, in headless Chromium: which controls show, what
reset does, the words and numbers on screen, and the page at three screen sizes.

Needs Chromium, ChromeDriver and selenium (skips without them); one server on 127.0.0.1 and
one browser serve the whole file and are stopped at its end.
"""

import os
import urllib.parse

import pytest
from conftest import headless_chromium
from test_playground import serving
from test_playground_browser import choose, errors, open_page, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("test_playground_browser")]

SIZES = {"desktop": (1440, 900), "laptop": (1024, 768), "phone": (414, 896)}


@pytest.fixture(scope="module")
def server():
    with serving() as srv:
        yield srv


@pytest.fixture(scope="module")
def browser():
    driver = headless_chromium(*SIZES["desktop"])
    driver.set_script_timeout(10)
    yield driver
    driver.quit()


def shown(browser, element_id):
    return browser.find_element("id", element_id).is_displayed()


def rect(browser, selector):
    return browser.execute_script("return document.querySelector(arguments[0]).getBoundingClientRect().toJSON()",
                                  selector)


def test_the_classes_selector_shows_only_where_the_number_of_classes_can_be_chosen(browser, server):
    open_page(browser, server, "dataset=circle")
    assert not shown(browser, "classes-row")
    for dataset, visible in (("spiral", True), ("xor", False), ("gauss", True), ("circle", False)):
        choose(browser, "dataset", dataset)
        wait_for(browser, f"window.playground.last.settings.dataset === '{dataset}'")
        assert shown(browser, "classes-row") == visible, dataset
    assert errors(browser) == []


def test_more_than_two_classes_bring_the_cross_entropy_loss(browser, server):
    """Three classes or more train with cross-entropy: choosing them chooses it, with no error."""
    open_page(browser, server, "dataset=spiral&loss=bce")
    choose(browser, "classes", "3")
    wait_for(browser, "window.playground.last.settings.classes === 3")
    assert browser.execute_script("return window.playground.last.settings.loss") == "cross_entropy"
    assert browser.find_element("id", "loss").get_attribute("value") == "cross_entropy"
    assert len(browser.find_elements("css selector", ".node[data-layer='3']")) == 3  # an output per class
    assert browser.find_element("id", "status").get_attribute("hidden") and errors(browser) == []


def weights(browser):
    return browser.execute_script("return JSON.stringify(window.playground.last.weights)")


def test_reset_draws_fresh_weights_and_the_link_keeps_them(browser, server):
    open_page(browser, server, "dataset=xor&hidden=3&activation=tanh")
    seen = [weights(browser)]
    for _ in range(2):
        browser.find_element("id", "reset").click()
        wait_for(browser, f"JSON.stringify(window.playground.last.weights) !== {seen[-1]!r}")
        seen.append(weights(browser))
    assert len(set(seen)) == 3
    query = urllib.parse.parse_qs(urllib.parse.urlparse(browser.current_url).query)
    assert query["init_seed"] == ["3"] and query["seed"] == ["0"]
    browser.get(browser.current_url)  # the link, opened again: the same starting weights
    wait_for(browser, "window.playground && window.playground.frames > 0")
    assert weights(browser) == seen[-1]
    assert errors(browser) == []


def test_regression_and_classification_each_take_a_data_set_of_their_kind(browser, server):
    open_page(browser, server, "dataset=spiral")
    choose(browser, "problem", "regression")
    wait_for(browser, "window.playground.last.settings.problem === 'regression'")
    s = browser.execute_script("return window.playground.last.settings")
    assert (s["dataset"], s["loss"]) == ("plane", "mse")
    wait_for(browser, "window.playground.last.map.kind === 'regression'")
    targets = browser.execute_script("return points.train.map(r => r[2])")
    assert any(abs(t - round(t)) > 1e-6 for t in targets)  # real targets, not 0/1 labels
    choose(browser, "problem", "classification")
    wait_for(browser, "window.playground.last.settings.problem === 'classification'")
    assert browser.execute_script("return window.playground.last.settings.dataset") == "circle"
    assert browser.find_element("id", "status").is_displayed() is False
    assert errors(browser) == []


def test_the_small_words_and_numbers_on_screen(browser, server):
    open_page(browser, server, "dataset=xor&hidden=1,3&activation=tanh,tanh&schedule=exponential&lr=0.1&budget=100")
    heads = [h.text for h in browser.find_elements("css selector", ".layer-head")]
    assert "1 neuron" in heads[1] and "neurons" not in heads[1] and "3 neurons" in heads[2]
    browser.find_element("id", "step").click()
    wait_for(browser, "window.playground.last.epoch === 1")
    rate = browser.find_element("id", "current-lr").text
    assert float(rate) == pytest.approx(0.1 * 0.01 ** (1 / 100), rel=1e-2) and float(rate) < 0.1
    # a status line does not push the page down
    before = rect(browser, "#map")
    browser.find_element("css selector", "#links path[data-layer='1'][data-to='2'][data-from='0']").click()
    wait_for(browser, "document.getElementById('weight-value')")
    box = browser.find_element("id", "weight-value")
    box.clear()
    box.send_keys("abc")
    browser.find_element("id", "weight-set").click()
    status = browser.find_element("id", "status")
    assert status.is_displayed() and status.text.startswith('"abc" is not a number')
    assert rect(browser, "#map")["top"] == before["top"]
    box.send_keys("\b")  # editing the box again takes the message away
    wait_for(browser, "document.getElementById('status').hidden")
    browser.find_element("id", "weight-set").click()
    assert status.is_displayed() and status.rect["y"] > rect(browser, "header")["bottom"]  # below the controls
    status.click()  # and a click closes it
    wait_for(browser, "document.getElementById('status').hidden")
    # one numbering on one screen, from 1: the weight into neuron 3 of layer 2 from neuron 1 of layer 1
    text = browser.find_element("id", "weight-text").text
    point = browser.execute_script("return window.playground.last.inspect.point")
    assert text.startswith("Weight W2[3, 1]: from neuron 1 of layer 1 into neuron 3 of layer 2")
    assert f"on training point {point + 1}\n" in text and "a1[1] =" in text and "delta2[3] =" in text
    assert browser.find_element("id", "inspect-point").get_attribute("value") == str(point + 1)
    assert errors(browser) == []


def test_the_backward_walk_is_in_view_at_1440_by_900(browser, server):
    browser.set_window_size(*SIZES["desktop"])
    open_page(browser, server, "dataset=circle&hidden=6,6,6&activation=tanh,tanh,tanh")
    browser.find_elements("css selector", ".node[data-layer='1']")[0].click()
    wait_for(browser, "window.playground.last.inspect && document.getElementById('walk-back')")
    browser.execute_script("window.scrollTo(0, 0)")
    for _ in range(3):
        browser.find_element("id", "walk-back").click()
    height = browser.execute_script("return window.innerHeight")
    walked = rect(browser, "#backward-text")
    assert browser.find_element("id", "backward-text").text.count("delta") >= 3
    assert 0 <= walked["top"] and walked["bottom"] <= height
    assert errors(browser) == []


@pytest.mark.parametrize("size", list(SIZES))
def test_the_page_fits_each_screen(browser, server, size, tmp_path):
    """No sideways scrolling; on a phone the columns stack and the map is on screen within a scroll,
    its full width visible. A screenshot of each size is kept for a person to look at."""
    width, height = SIZES[size]
    browser.set_window_size(width, height)
    try:
        open_page(browser, server, "dataset=spiral&hidden=6,4&activation=tanh,tanh")
        inner = browser.execute_script("return document.documentElement.clientWidth")
        page = browser.execute_script("return document.documentElement.scrollWidth")
        assert page <= inner + 1, f"{size}: the page is {page} px wide in a {inner} px window"
        if size == "phone":  # one column: the map first, then the network, then the data's controls
            tops = [rect(browser, f".column.{name}")["top"] for name in ("output", "network", "data")]
            assert tops == sorted(tops) and rect(browser, "#map")["top"] < browser.execute_script("return innerHeight")
        browser.execute_script("document.getElementById('map').scrollIntoView({block: 'center'})")
        m = rect(browser, "#map")
        assert m["left"] >= 0 and m["right"] <= inner + 1 and m["width"] >= min(280, inner - 40), (size, m)
        net = rect(browser, "#network")
        assert net["right"] <= inner + 1, (size, net)
        folder = os.environ.get("PLAYGROUND_SCREENSHOTS") or str(tmp_path)
        assert browser.save_screenshot(os.path.join(folder, f"playground-{size}-{width}x{height}.png"))
        assert errors(browser) == []
    finally:
        browser.set_window_size(*SIZES["desktop"])


def test_pointing_at_a_neuron_draws_it_large_and_cards_give_weights_and_biases(browser, server):
    from selenium.webdriver import ActionChains

    open_page(browser, server, "dataset=xor&hidden=4&activation=tanh&optimizer=adam&lr=0.03")
    browser.find_element("id", "step").click()
    wait_for(browser, "window.playground.last.epoch === 1")
    answer = browser.execute_script("return document.getElementById('map').toDataURL()")
    ActionChains(browser).move_to_element(browser.find_element("css selector", ".node[data-layer='1'][data-neuron='2']")).perform()
    hover = wait_for(browser, "window.playground.last.hover")
    assert (hover["layer"], hover["neuron"], hover["kind"]) == (1, 2, "unit")
    assert browser.find_element("id", "map-caption").text.startswith("Showing neuron 3 of layer 1")
    assert browser.execute_script("return document.getElementById('map').toDataURL()") != answer
    bias = browser.execute_script("return window.playground.last.weights[0].bias[2]")
    assert browser.find_element("id", "card").text == f"neuron 3 of layer 1\nbias {bias:.4f}\nclick: its backpropagation numbers"
    line = browser.find_element("css selector", "#links path[data-layer='0'][data-to='3'][data-from='1']")
    ActionChains(browser).move_to_element(line).perform()
    wait_for(browser, "!window.playground.last.hover")  # off the neuron: the answer again
    weight = browser.execute_script("return window.playground.last.weights[0].weight[3][1]")
    assert browser.find_element("id", "card").text == f"weight {weight:.4f}\nfrom input x2\ninto neuron 4 of layer 1"
    biases = browser.find_elements("css selector", ".node .bias")
    assert len(biases) == 5 and all(b.is_displayed() for b in biases)  # one per hidden and output neuron
    assert errors(browser) == []


def test_the_map_has_a_legend_and_a_class_key(browser, server):
    open_page(browser, server, "dataset=circle")
    labels = [s.text for s in browser.find_elements("css selector", "#map-legend .bar-labels span")]
    assert labels == ["0: class 0", "P(class 1)", "1: class 1"]
    open_page(browser, server, "dataset=spiral&classes=4&loss=cross_entropy")
    chips = browser.find_elements("css selector", "#map-legend .chip")
    assert len(chips) == 4 and "class 3" in browser.find_element("id", "map-legend").text
    assert errors(browser) == []


def test_a_teachers_link_hides_the_controls_it_names(browser, server):
    open_page(browser, server, "dataset=xor&hide=lr,activation,problem,upload,nothing-such")
    for control in ("lr", "activation", "problem", "upload"):
        assert not shown(browser, control), control
    assert shown(browser, "loss") and shown(browser, "dataset")
    choose(browser, "dataset", "gauss")
    wait_for(browser, "window.playground.last.settings.dataset === 'gauss'")
    query = urllib.parse.parse_qs(urllib.parse.urlparse(browser.current_url).query)
    assert query["hide"] == ["lr,activation,problem,upload"]  # a link made from here hides them too
    assert errors(browser) == []


def test_every_neuron_is_reached_from_the_keyboard_and_a_bias_is_edited(browser, server):
    from selenium.webdriver.common.keys import Keys

    open_page(browser, server, "dataset=xor&hidden=4,3&activation=tanh,tanh")
    nodes = browser.find_elements("css selector", ".node")
    assert len(nodes) == 7 + 4 + 3 + 1  # every feature, whether the network takes it or not
    assert all(n.get_attribute("tabindex") == "0" and n.get_attribute("aria-label") for n in nodes)
    target = browser.find_element("css selector", ".node[data-layer='2'][data-neuron='1']")
    target.send_keys(Keys.ENTER)
    info = wait_for(browser, "window.playground.last.inspect")
    assert (info["layer"], info["neuron"]) == (1, 1)
    wait_for(browser, "document.getElementById('weight-into-3')")
    browser.find_element("id", "weight-into-3").send_keys(Keys.ENTER)  # a weight into it, from the keyboard
    wait_for(browser, "window.playground.last.inspect.weight && window.playground.last.inspect.weight.from === 3")
    box = browser.find_element("id", "bias-value")
    box.clear()
    box.send_keys("0.25", Keys.ENTER)
    wait_for(browser, "window.playground.last.weights[1].bias[1] === 0.25")
    assert errors(browser) == []


def test_input_nodes_and_data_set_thumbnails_choose_by_a_click(browser, server):
    open_page(browser, server, "dataset=circle&hidden=3&activation=tanh")
    inputs = browser.find_elements("css selector", ".node[data-layer='0']")
    names = [n.get_attribute("data-feature") for n in inputs]
    assert names == browser.execute_script("return options.choices.features")
    assert [n.get_attribute("class").split() for n in inputs].count(["node"]) == 2  # x1 and x2 fed, the rest faded
    browser.find_element("css selector", ".node[data-feature='x1*x2']").click()
    wait_for(browser, "window.playground.last.settings.features.join() === 'x1,x2,x1*x2'")
    wait_for(browser, "window.playground.last.weights[0].weight[0].length === 3")
    browser.find_element("css selector", ".node[data-feature='x1']").click()
    wait_for(browser, "window.playground.last.settings.features.join() === 'x2,x1*x2'")
    lines = browser.find_elements("css selector", "#links path[data-layer='0']")
    assert len(lines) == 2 * 3 and all(" C" in line.get_attribute("d") for line in lines)  # curves, as in TF
    thumbs = browser.find_elements("css selector", "#dataset-thumbs canvas")
    assert [t.get_attribute("title") for t in thumbs] == [
        n for n in browser.execute_script("return options.choices.dataset") if n != "csv"]
    browser.find_element("css selector", "#dataset-thumbs canvas[data-dataset='spiral']").click()
    wait_for(browser, "window.playground.last.settings.dataset === 'spiral'")
    assert "chosen" in browser.find_element("css selector", "#dataset-thumbs canvas[data-dataset='spiral']").get_attribute("class")
    browser.find_element("css selector", "#dataset-thumbs canvas[data-dataset='plane']").click()
    wait_for(browser, "window.playground.last.settings.problem === 'regression'")
    assert errors(browser) == []


def test_show_gradients_draws_each_weights_gradient_and_each_neurons_delta(browser, server):
    from selenium.webdriver import ActionChains

    open_page(browser, server, "dataset=gauss&hidden=4&activation=tanh")
    browser.find_element("id", "step").click()
    wait_for(browser, "window.playground.last.epoch === 1")
    browser.find_element("id", "gradients").click()
    grads = wait_for(browser, "window.playground.last.gradients")
    assert "gradients=1" in browser.current_url
    widths = browser.execute_script(
        "return [...document.querySelectorAll('#links path')].map(l => "
        "[+l.dataset.layer, +l.dataset.to, +l.dataset.from, +l.getAttribute('stroke-width'), l.getAttribute('stroke')])")
    biggest = max(abs(g) for layer in grads for row in layer["weight"] for g in row)
    for layer, to, source, width, stroke in widths:
        g = grads[layer]["weight"][to][source]
        assert width == pytest.approx(0.5 + 5 * abs(g) / biggest, abs=0.06) and stroke == ("#0877bd" if g >= 0 else "#f59322")
    framed = browser.execute_script("return [...document.querySelectorAll(\".node[data-layer='1']\")].map(n => n.style.boxShadow)")
    assert len(framed) == 4 and all(f for f in framed)
    ActionChains(browser).move_to_element(browser.find_element("css selector", ".node[data-layer='1'][data-neuron='0']")).perform()
    wait_for(browser, "document.getElementById('card').textContent.includes('mean delta')")
    browser.find_element("id", "gradients").click()
    wait_for(browser, "!window.playground.last.gradients")
    assert errors(browser) == []


def test_the_animated_walk_goes_back_one_layer_at_a_time_on_the_diagram(browser, server):
    open_page(browser, server, "dataset=circle&hidden=5,4,3&activation=tanh,tanh,tanh")
    browser.find_elements("css selector", ".node[data-layer='1']")[0].click()
    wait_for(browser, "window.playground.last.inspect && document.getElementById('walk-play')")
    browser.execute_script(  # note each layer the diagram lights up, in order
        "window.lit = []; new MutationObserver(() => { const n = document.querySelector('.node.walking');"
        " const l = n ? +n.dataset.layer : null; if (l !== null && window.lit.at(-1) !== l) window.lit.push(l); })"
        ".observe(document.getElementById('network'), {subtree: true, attributes: true, attributeFilter: ['class']});")
    browser.find_element("id", "walk-play").click()
    lit = wait_for(browser, "window.lit.length === 4 && window.lit", timeout=10)
    assert lit == [4, 3, 2, 1]  # the output, then each hidden layer back to the first
    assert browser.find_element("id", "backward-text").text.count("delta") >= 4
    assert errors(browser) == []
