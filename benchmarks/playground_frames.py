"""The playground's frames per second in headless Chromium, alone and with 9 other pages training.

    python benchmarks/playground_frames.py [--seconds 8] [--others-rate 15]

Starts ``backproplab playground --no-browser`` in a process of its own, opens the page in Debian's
Chromium (Selenium; ``apt-get install chromium chromium-driver``), presses play and counts the frames
the page draws, for the default network, a 6-class 16-16 network and eight layers of 32. Then 9
other pages, from another process, each create a session, play it and ask for frames as a page
does (``--others-rate`` a second: 15 as a window without focus asks, 30 as one with focus), and the
default and 6-class networks are measured again in front of them. A click's answer is timed by
posting a hover from the page 10 times.
"""

import argparse
import http.client
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import threading
import time

SIX_CLASSES = "dataset=spiral&classes=6&loss=cross_entropy&hidden=16,16&activation=relu,relu"
EIGHT_LAYERS = "hidden=" + ",".join(["32"] * 8) + "&activation=" + ",".join(["relu"] * 8)


def chromium(width=1440, height=900):
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 f"--window-size={width},{height}"):
        options.add_argument(flag)
    return webdriver.Chrome(service=webdriver.ChromeService(executable_path=shutil.which("chromedriver")),
                            options=options)


def other_pages(url, n, rate, stop, frames):
    """``n`` pages, as threads of this process, each playing its own session and asking ``rate`` frames a second."""
    host, port = url.split("//")[1].rstrip("/").rsplit(":", 1)
    page = http.client.HTTPConnection(host, int(port))
    page.request("GET", "/")
    token = re.search(rb'name="playground-token" content="([^"]+)"', page.getresponse().read()).group(1).decode()
    headers = {"Origin": url.rstrip("/"), "X-Playground-Token": token, "Content-Type": "application/json"}

    def post(conn, path, data):
        conn.request("POST", path, json.dumps(data), headers)
        return json.loads(conn.getresponse().read())

    def one(seed):
        conn = http.client.HTTPConnection(host, int(port))
        key = post(conn, "/api/sessions", {"settings": {"seed": seed}})["id"]
        post(conn, f"/api/sessions/{key}/control", {"action": "play"})
        since, version, generation = -1, 0, -1
        while not stop.is_set():
            started = time.monotonic()
            conn.request("GET", f"/api/sessions/{key}/frame?since={since}&version={version}&generation={generation}")
            frame = json.loads(conn.getresponse().read())
            with frames.get_lock():
                frames.value += 1
            history = frame.get("history") or []
            since = history[-1]["epoch"] if history else since
            version, generation = frame.get("data_version", version), frame.get("generation", generation)
            time.sleep(max(0.0, 1 / rate - (time.monotonic() - started)))

    for seed in range(n):
        threading.Thread(target=one, args=(seed,), daemon=True).start()
    stop.wait()


def measure(driver, url, query, seconds):
    """(frames a second, epochs a second, click answers in ms) of the page at ``url?query``, playing."""
    driver.get(url + "?" + query)
    deadline = time.monotonic() + 30
    while not driver.execute_script("return !!(window.playground && window.playground.frames > 0)"):
        if time.monotonic() > deadline:
            raise SystemExit("the page drew no frame in 30 s")
        time.sleep(0.05)
    driver.find_element("id", "play").click()
    time.sleep(1.5)
    frames0, epoch0 = driver.execute_script("return [window.playground.frames, window.playground.last.epoch]")
    time.sleep(seconds)
    frames1, epoch1 = driver.execute_script("return [window.playground.frames, window.playground.last.epoch]")
    clicks = [driver.execute_async_script(
        "const done = arguments[arguments.length - 1], t = performance.now();"
        "post(`/api/sessions/${sessionId}/hover`, {layer: 1, neuron: arguments[0] % 2})"
        ".then(() => done(performance.now() - t));", k) for k in range(10)]
    driver.find_element("id", "play").click()
    return (frames1 - frames0) / seconds, (epoch1 - epoch0) / seconds, clicks


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="how long each case is counted")
    parser.add_argument("--others-rate", type=float, default=15.0, help="frames a second each other page asks for")
    args = parser.parse_args(argv)
    server = subprocess.Popen([sys.executable, "-m", "backproplab", "playground", "--no-browser"],
                              stdout=subprocess.PIPE, text=True)
    driver = None
    try:
        url = re.search(r"http://\S+", server.stdout.readline()).group(0).rstrip("/") + "/"
        driver = chromium()
        driver.set_script_timeout(10)
        print(f"load average {os.getloadavg()[0]:.1f}; {os.cpu_count()} cores")
        print(f"{'case':<44} {'frames/s':>8} {'epochs/s':>8} {'click ms (median, max)':>24}")

        def row(name, query):
            fps, eps, clicks = measure(driver, url, query, args.seconds)
            print(f"{name:<44} {fps:8.1f} {eps:8.0f} {sorted(clicks)[5]:14.0f} {max(clicks):9.0f}", flush=True)

        row("default, alone", "")
        row("6-class 16-16, alone", SIX_CLASSES)
        row("8 x 32, alone", EIGHT_LAYERS)
        stop, frames = multiprocessing.Event(), multiprocessing.Value("i", 0)
        others = multiprocessing.Process(target=other_pages, args=(url, 9, args.others_rate, stop, frames))
        others.start()
        time.sleep(3)
        started, counted = time.monotonic(), frames.value
        row(f"default, 9 others at {args.others_rate:g} frames/s", "")
        row(f"6-class 16-16, 9 others at {args.others_rate:g} frames/s", SIX_CLASSES)
        print(f"the 9 others drew {(frames.value - counted) / (time.monotonic() - started) / 9:.1f} frames/s each")
        stop.set()
        others.join(10)
    finally:
        if driver is not None:
            driver.quit()
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
