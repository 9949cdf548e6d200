// The playground page: controls -> settings (kept in the URL) -> the server; frames from the server -> drawings.
"use strict";

const $ = (id) => document.getElementById(id);
const COLORS = [[245, 147, 34], [8, 119, 189], [44, 160, 44], [214, 39, 40], [148, 103, 189], [140, 86, 75]];
const LR = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const REG_RATE = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const POINTS = [50, 100, 200, 400, 1000, 2000];
const DROPOUT = [0, 0.1, 0.2, 0.3, 0.5];
const TARGETS = [0, 0.9, 0.95, 0.99, 1];
const VIEW = ["showTest", "discretize", "gradients"];
const TOP = 76;  // room above the neurons for each layer's buttons and activation
const ALIVE_MS = 5000;  // how often a page that asks for no frames tells the server it is still open
const FRAME_MS = 1000 / 30;  // while playing, a frame at most this often
const UNFOCUSED_FRAME_MS = 1000 / 15;  // in a window without focus: the machine goes to the one looked at
const MAX_HEIGHT = 520;  // the network's drawing grows to this height, then its neurons shrink  // page-only settings, kept in the URL too

let options, settings, view = {showTest: false, discretize: false, gradients: false};
let sessionId = null, last = null, losses = [], generation = -1, points = null;
let structure = "", selected = null, walk = 0;
window.playground = {frames: 0, losses, last: null};  // read by the browser tests

// --- the URL -----------------------------------------------------------------------
function readUrl(defaults) {
  const params = new URLSearchParams(location.search), s = {...defaults};
  for (const [key, value] of params) {
    if (VIEW.includes(key)) view[key] = value === "1";
    else if (!(key in defaults)) continue;
    else if (Array.isArray(defaults[key])) s[key] = value === "" ? [] : value.split(",").map(v => isNaN(+v) ? v : +v);
    else if (typeof defaults[key] === "object") { try { s[key] = JSON.parse(value); } catch { s[key] = value; } }
    else if (typeof defaults[key] === "number") s[key] = +value;
    else s[key] = value;
  }
  return s;
}

function writeUrl() {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(settings))  // a list as a,b,c; an object (a loss's settings) as JSON
    params.set(key, Array.isArray(value) ? value.join(",") : typeof value === "object" ? JSON.stringify(value) : value);
  for (const key of VIEW) params.set(key, view[key] ? "1" : "0");
  if (hiddenControls.length) params.set("hide", hiddenControls.join(","));
  window.history.replaceState(null, "", "?" + params.toString());
}

// --- talking to the server -------------------------------------------------------------
// Every POST carries the token the server wrote into this page: another site's page cannot read it.
const TOKEN = document.querySelector("meta[name=playground-token]").content;

async function post(path, body, raw) {
  try {
    const response = await fetch(path, {method: "POST", body: raw ? body : JSON.stringify(body),
                                        headers: {"Content-Type": raw ? "text/csv" : "application/json",
                                                  "X-Playground-Token": TOKEN}});
    const data = await response.json().catch(() => ({error: `the server answered ${response.status}`}));
    if (!response.ok) throw new Error(data.error || `the server answered ${response.status}`);
    return data;
  } finally {
    pull();  // what the request changed (or, refused, what stands), drawn
  }
}

let statusOwner = null;  // an input whose bad value the status line is about: editing it clears the line

function showStatus(text, kind, owner) {
  const box = $("status");
  box.hidden = !text;
  box.textContent = text || "";
  box.className = "status" + (kind ? " " + kind : "");
  statusOwner = text ? owner || null : null;
}

document.addEventListener("input", (event) => { if (event.target === statusOwner) showStatus(""); });
$("status").addEventListener("click", () => showStatus(""));  // a click closes it

async function send(changes) {
  const previous = settings;
  settings = {...settings, ...changes};
  try {
    const data = await post(`/api/sessions/${sessionId}/settings`, {settings});
    settings = data.settings;
    showStatus("");
  } catch (error) {
    settings = previous;
    showStatus(error.message, "error");
  }
  syncControls();
  writeUrl();
}

async function control(action) {
  try {
    await post(`/api/sessions/${sessionId}/control`, {action});
  } catch (error) {
    showStatus(error.message, "error");
  }
}

async function start() {
  options = await (await fetch("/api/options")).json();
  settings = readUrl(options.defaults);
  buildControls();
  buildThumbnails();
  hideControls((new URLSearchParams(location.search).get("hide") || "").split(",").filter(Boolean));
  let created;
  try {
    created = await post("/api/sessions", {settings});
  } catch (error) {
    showStatus(`The link's settings were refused (${error.message}); starting from the defaults.`, "error");
    settings = {...options.defaults};
    created = await post("/api/sessions", {settings});
  }
  sessionId = created.id;
  settings = created.settings;
  syncControls();
  writeUrl();
  $("export").href = `/api/sessions/${sessionId}/model.npz`;
  $("script").href = `/api/sessions/${sessionId}/train.py`;
  if (view.gradients) await setGradients(true);
  pull();
  document.addEventListener("visibilitychange", pull);  // a hidden tab asks for no frames: it trains no more
  window.addEventListener("resize", () => { structure = ""; if (last) updateNetwork(last); });  // laid out anew
  setInterval(() => { if (!pulling) alive(); }, ALIVE_MS);  // a paused or hidden tab's session is kept
  window.addEventListener("pagehide", () => { gone = true; beacon("close"); });  // and ask nothing more
}

// --- frames: the page asks for the next one when it can draw it ----------------------------
// While playing, about 30 a second (15 in a window without focus); while paused, after each of the
// page's own requests. Each request is short, so any number of tabs and windows share the 6
// connections a browser keeps to one server; a hidden tab asks for nothing, and so trains nothing.
let pulling = false, again = false, dataVersion = 0, gone = false;

async function pull() {
  if (pulling) { again = true; return; }  // once this one is drawn
  if (document.hidden || !sessionId || gone) return;
  pulling = true;
  again = false;
  const started = performance.now(), since = losses.length ? losses[losses.length - 1].epoch : -1;
  try {
    const response = await fetch(`/api/sessions/${sessionId}/frame?since=${since}&version=${dataVersion}` +
                                 `&generation=${generation}`);
    if (!response.ok) throw new Error(`the server answered ${response.status}`);
    const frame = await response.json();
    if (frame.data_version !== undefined) dataVersion = frame.data_version;
    render(frame);
    again = again || frame.playing;
  } catch (error) {
    serverGone();
  } finally {
    pulling = false;
  }
  const period = document.hasFocus() ? FRAME_MS : UNFOCUSED_FRAME_MS;
  if (again) setTimeout(pull, Math.max(0, period - (performance.now() - started)));
}

async function alive() {
  if (!sessionId || gone) return;
  const response = await fetch(`/api/sessions/${sessionId}/alive`, {method: "POST", body: "",
                                                                    headers: {"X-Playground-Token": TOKEN}}).catch(() => null);
  if (!response || response.status === 404) serverGone();
}

function serverGone() {
  gone = true;
  showStatus("The playground server has stopped (or this page's session ended). " +
             "Start it again with: backproplab playground, then reload this page.", "error");
  $("play").disabled = $("step").disabled = true;
}

function beacon(action) {  // a request that outlives the page (keepalive), with the page's token
  fetch(`/api/sessions/${sessionId}/${action}`, {method: "POST", body: "", keepalive: true,
                                                 headers: {"X-Playground-Token": TOKEN}}).catch(() => {});
}

// --- controls ---------------------------------------------------------------------------
function fill(select, values, label) {
  select.replaceChildren(...values.map(v => new Option(label ? label(v) : String(v), String(v))));
}

function numberSelect(id, values, label) {
  fill($(id), values, label);
  $(id).addEventListener("change", () => send({[id]: +$(id).value}));
}

function buildControls() {
  const c = options.choices;
  numberSelect("lr", LR);
  numberSelect("reg_rate", REG_RATE);
  numberSelect("points", POINTS);
  numberSelect("dropout", DROPOUT);
  numberSelect("target_accuracy", TARGETS, v => v ? `${Math.round(v * 100)}%` : "off");
  fill($("classes"), Array.from({length: options.limits.classes - 1}, (_, i) => i + 2));
  $("classes").addEventListener("change", () => changeChoice("classes", +$("classes").value));  // and its loss
  for (const id of ["regularization", "problem", "loss", "optimizer", "schedule", "dataset"]) {
    fill($(id), c[id]);
    $(id).addEventListener("change", () => changeChoice(id, $(id).value));
  }
  for (const [kind, value] of [["low", -options.square], ["high", options.square]])  // the map's axes
    for (const tick of document.querySelectorAll(`.ticks .${kind}`)) tick.textContent = String(value);
  fill($("activation"), c.activation);
  $("activation").addEventListener("change", () =>
    send({activation: settings.hidden.map(() => $("activation").value)}));
  for (const id of ["ratio", "noise", "batch"]) {
    $(id).addEventListener("input", () => { $(id + "-value").textContent = $(id).value; });
    $(id).addEventListener("change", () => send({[id]: +$(id).value}));
  }
  for (const id of ["budget", "target_loss"]) $(id).addEventListener("change", () => send({[id]: +$(id).value || 0}));
  $("features").replaceChildren(...c.features.map(name => {
    const label = document.createElement("label"), box = document.createElement("input");
    box.type = "checkbox";
    box.value = name;
    box.addEventListener("change", () => {
      const chosen = c.features.filter(f => f === name ? box.checked : settings.features.includes(f));
      if (chosen.length) send({features: chosen}); else syncControls();
    });
    label.append(box, " " + name);
    return label;
  }));
  $("play").addEventListener("click", () => control(last && last.playing ? "pause" : "play"));
  $("step").addEventListener("click", () => control("step"));
  $("reset").addEventListener("click", () => control("reset"));
  $("regenerate").addEventListener("click", () => control("regenerate"));
  $("add-layer").addEventListener("click", () => {
    if (settings.hidden.length < options.limits.layers)
      send({hidden: [...settings.hidden, 2], activation: [...settings.activation, $("activation").value]});
  });
  $("remove-layer").addEventListener("click", () =>
    send({hidden: settings.hidden.slice(0, -1), activation: settings.activation.slice(0, -1)}));
  $("upload").addEventListener("change", upload);
  $("gradients").addEventListener("change", () => setGradients($("gradients").checked));
  for (const [id, key] of [["show-test", "showTest"], ["discretize", "discretize"]])
    $(id).addEventListener("change", () => { view[key] = $(id).checked; writeUrl(); if (last) drawMap(last); });
}

function changeChoice(id, value) {
  const changes = {[id]: value}, targets = options.regression_sets;
  if (id === "problem") {  // each problem on data sets of its own kind: targets, or class labels
    changes.loss = value === "regression" ? "mse" : "bce";
    if (value === "regression" && !targets.includes(settings.dataset) && settings.dataset !== "csv") changes.dataset = targets[0];
    if (value === "classification" && targets.includes(settings.dataset)) changes.dataset = options.defaults.dataset;
  }
  if (id === "dataset" && targets.includes(value)) Object.assign(changes, {problem: "regression", loss: "mse"});
  else if (id === "dataset" && settings.problem === "regression")
    Object.assign(changes, {problem: "classification", loss: "bce"});
  const classes = id === "classes" ? value : settings.classes;
  if (classes > 2 && options.takes_classes.includes(changes.dataset || settings.dataset)) changes.loss = "cross_entropy";
  send(changes);
}

async function upload() {
  const file = $("upload").files[0];
  if (!file) return;
  if (file.size > options.limits.upload_bytes) {
    showStatus(`${file.name} has ${file.size} bytes; the limit is ${options.limits.upload_bytes}`, "error");
    return;
  }
  try {
    settings = (await post(`/api/sessions/${sessionId}/upload`, await file.text(), true)).settings;
    showStatus(`Training on ${file.name}.`);
  } catch (error) {
    showStatus(error.message, "error");
  }
  $("upload").value = "";  // choosing the same file again uploads it again
  syncControls();
  writeUrl();
}

function ensureOption(select, value) {
  if (![...select.options].some(o => o.value === String(value))) select.add(new Option(String(value), String(value)));
  select.value = String(value);
}

function syncControls() {
  for (const id of ["lr", "reg_rate", "points", "dropout", "target_accuracy", "classes", "regularization",
                    "problem", "loss", "optimizer", "schedule", "dataset"]) ensureOption($(id), settings[id]);
  $("activation").value = settings.activation[0] || $("activation").value;
  for (const id of ["ratio", "noise", "batch"]) { $(id).value = settings[id]; $(id + "-value").textContent = settings[id]; }
  $("budget").value = settings.budget;
  $("target_loss").value = settings.target_loss;
  for (const box of $("features").querySelectorAll("input")) box.checked = settings.features.includes(box.value);
  $("classes-row").hidden = !options.takes_classes.includes(settings.dataset);
  markThumbnail();
  $("show-test").checked = view.showTest;
  $("gradients").checked = view.gradients;
  $("discretize").checked = view.discretize;
  $("layer-count").textContent = `${settings.hidden.length} hidden layer${settings.hidden.length === 1 ? "" : "s"}`;
}

// --- drawing ---------------------------------------------------------------------------
function decode(text) {
  const raw = atob(text), out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

function mix(color, amount) {  // color faded towards white: amount 0 white, 1 full
  return color.map(c => Math.round(255 + (c - 255) * amount));
}

function diverging(byte) {  // 0 orange .. 128 white .. 255 blue
  const v = byte / 127.5 - 1;
  return mix(v < 0 ? COLORS[0] : COLORS[1], Math.min(1, Math.abs(v)));
}

// Colour tables, made once: each pixel of a map is then a look-up, with nothing allocated per pixel.
const DIVERGING = Array.from({length: 256}, (_, b) => diverging(b));
const DIVERGING_PALE = DIVERGING.map(c => mix(c, 0.75));
const CLASS_RAMP = COLORS.map(c => Array.from({length: 256}, (_, v) => mix(c, v / 255)));  // white .. the class
const CLASS_RAMP_PALE = COLORS.map(c => Array.from({length: 256}, (_, v) => mix(c, 0.75 * v / 255)));
const CLASS_SHADES = COLORS.map(c => Array.from({length: 256}, (_, v) => mix(c, 0.25 + 0.5 * v / 255)));
const CLASS_FLAT = COLORS.map(c => mix(c, 0.75)), BINARY_FLAT = COLORS.map(c => mix(c, 0.6));
const buffers = {};  // one off-screen canvas and image per map size, reused frame after frame

function paint(canvas, size, colorAt) {  // colorAt(i): [r, g, b] of pixel i (row by row from the top)
  let buffer = buffers[size];
  if (!buffer) {
    const element = document.createElement("canvas");
    element.width = element.height = size;
    buffer = buffers[size] = {element, context: element.getContext("2d"), image: new ImageData(size, size)};
    buffer.image.data.fill(255);
  }
  const data = buffer.image.data;
  for (let i = 0, k = 0; i < size * size; i++, k += 4) {
    const c = colorAt(i);
    data[k] = c[0]; data[k + 1] = c[1]; data[k + 2] = c[2];
  }
  const ctx = canvas.getContext("2d");
  if (canvas.width === size && canvas.height === size) { ctx.putImageData(buffer.image, 0, 0); return; }
  buffer.context.putImageData(buffer.image, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(buffer.element, 0, 0, canvas.width, canvas.height);
}

function drawMap(frame) {
  const map = frame.map, canvas = $("map"), value = decode(map.value);
  const size = Math.round(Math.sqrt(value.length)), label = map.label ? decode(map.label) : null;
  const discrete = view.discretize;
  paint(canvas, size, i => {
    if (map.kind === "classes") {
      const c = label[i] % COLORS.length;
      return discrete ? CLASS_FLAT[c] : CLASS_SHADES[c][value[i]];
    }
    if (map.kind === "binary") return discrete ? BINARY_FLAT[value[i] >= 128 ? 1 : 0] : DIVERGING_PALE[value[i]];
    return DIVERGING_PALE[discrete ? (value[i] >= 128 ? 255 : 0) : value[i]];
  });
  if (frame.hover) {  // the unit under the pointer, large, in place of the answer
    const unit = decode(frame.hover.value), palette = unitPalette(frame, frame.hover.layer, frame.hover.neuron, true);
    paint(canvas, Math.round(Math.sqrt(unit.length)), i => palette[unit[i]]);
  }
  mapCaption(frame);
  drawLegend(frame);
  if (!points) return;
  const ctx = canvas.getContext("2d"), half = options.square, scale = canvas.width / (2 * half);
  const draw = (rows, test) => {
    for (const [x1, x2, y] of rows) {
      const color = points.classes ? COLORS[y % COLORS.length] : diverging(Math.round((y + 1) * 127.5));
      ctx.beginPath();
      ctx.arc((x1 + half) * scale, (half - x2) * scale, 3.2, 0, 2 * Math.PI);
      ctx.fillStyle = `rgb(${color.join(",")})`;
      ctx.fill();
      ctx.lineWidth = test ? 1.5 : 0.8;
      ctx.strokeStyle = test ? "#000" : "#fff";
      ctx.stroke();
    }
  };
  draw(points.train, false);
  if (view.showTest) draw(points.test, true);
  if (frame.hover && frame.hover.deltas) drawDeltaRings(ctx, frame.hover.deltas, half, scale);
  const inspected = frame.inspect && points.train[frame.inspect.point];
  if (inspected) {  // the training point the inspector follows
    ctx.beginPath();
    ctx.arc((inspected[0] + half) * scale, (half - inspected[1]) * scale, 8, 0, 2 * Math.PI);
    ctx.lineWidth = 2.5;
    ctx.strokeStyle = "#183d4e";
    ctx.stroke();
  }
}

function drawChart() {  // every epoch's losses; a long run is drawn through at most 4 points per pixel
  const canvas = $("chart"), ctx = canvas.getContext("2d"), w = canvas.width, h = canvas.height, n = losses.length;
  ctx.clearRect(0, 0, w, h);
  let top = 0;
  for (const p of losses) {
    if (p.train_loss !== null && isFinite(p.train_loss)) top = Math.max(top, p.train_loss);
    if (p.test_loss !== null && isFinite(p.test_loss)) top = Math.max(top, p.test_loss);
  }
  if (n < 2 || !top) return;
  const stride = Math.max(1, Math.floor(n / (4 * w)));
  const rateTop = Math.max(...losses.map(p => p.lr || 0));  // the rate on a scale of its own, from 0 to its largest
  for (const [key, color, scale] of [["train_loss", "#555", top], ["test_loss", "#0877bd", top], ["lr", "#2ca02c", rateTop]]) {
    if (!scale) continue;
    ctx.beginPath();
    for (let i = 0; i < n; i = i < n - 1 ? Math.min(i + stride, n - 1) : n) {
      const v = losses[i][key] === null || !isFinite(losses[i][key]) ? scale : losses[i][key];
      const x = (i / (n - 1)) * (w - 2) + 1, y = h - 2 - (v / scale) * (h - 6);
      i ? ctx.lineTo(x, y) : ctx.moveTo(x, y);
    }
    ctx.strokeStyle = color;
    ctx.lineWidth = key === "lr" ? 1 : 1.5;
    ctx.setLineDash(key === "lr" ? [3, 3] : []);
    ctx.stroke();
  }
  ctx.setLineDash([]);
}

function format(v, digits = 3) {
  return v === null || v === undefined ? "-" : Number(v).toFixed(digits);
}

function percent(v) {  // an accuracy (a fraction) as the page shows it; "-" for none (regression)
  return v === null || v === undefined ? "-" : `${(100 * v).toFixed(1)}%`;
}

// The inspected weight (or, with bias, the inspected neuron's bias) gets the value typed in the inspector.
async function setWeight(bias = false) {
  const info = last && last.inspect, box = $(bias ? "bias-value" : "weight-value"), text = box.value.trim();
  const what = bias ? "bias" : "weight";
  if (!info || !bias && !info.weight) return;
  if (text === "" || !isFinite(+text)) {  // said until the box is edited again
    showStatus(text ? `"${text}" is not a number; type the ${what}'s new value, such as -0.5`
                    : `Type the ${what}'s new value, such as -0.5, then Set`, "error", box);
    return;
  }
  try {
    await post(`/api/sessions/${sessionId}/weight`,
               {layer: info.layer, to: info.neuron, from: bias ? -1 : info.weight.from, value: +text});
    showStatus("");
  } catch (error) { showStatus(error.message, "error"); }
}

// Follow a neuron (from === undefined) or the weight into it from input `from`, on the chosen training point.
async function inspect(layer, neuron, from) {
  selected = [layer, neuron, from === undefined ? null : from];
  // the page numbers everything from 1 (point 1 is the server's point 0)
  const point = Math.max(0, Math.min((+($("inspect-point") ? $("inspect-point").value : 1) || 1) - 1,
                                     (points ? points.train.length : 1) - 1));
  const body = {layer, neuron, point};
  if (from !== undefined && from !== null) body.from = from;
  try { await post(`/api/sessions/${sessionId}/inspect`, body); }
  catch (error) { showStatus(error.message, "error"); }
}

function drawInspector(info) {
  const box = $("inspector");
  if (!info) { box.hidden = true; return; }
  box.hidden = false;
  walk = Math.min(walk, info.backward.length);
  const terms = info.weights.map((w, i) => `(${format(w, 4)})(${format(info.inputs[i], 4)})`).join(" + ");
  const name = info.activation === "none" ? "identity" : info.activation.toLowerCase();
  if (!$("inspect-point")) {
    box.replaceChildren();
    const label = document.createElement("label"), input = document.createElement("input");
    input.id = "inspect-point"; input.type = "number"; input.min = "1"; input.value = String(info.point + 1);
    input.addEventListener("change", () => selected && inspect(...selected));
    const weightBox = document.createElement("div"), weightText = document.createElement("pre");
    const value = document.createElement("input"), set = button("weight-set", "Set", "give the weight this value",
                                                                 () => setWeight());
    weightBox.id = "weight-box"; weightText.id = "weight-text";
    value.id = "weight-value"; value.type = "text"; value.inputMode = "decimal";  // "abc" reaches the check
    value.addEventListener("keydown", (event) => { if (event.key === "Enter") setWeight(); });
    const edit = document.createElement("label");
    edit.append("Edit w ", value, set);
    weightBox.append(weightText, edit);
    const sample = button("sample-step", "Step one sample", "one update of every weight from this point alone",
                          () => control("sample"));
    const next = button("walk-back", "Backward: next layer", "show the deltas one layer further back",
                        () => {
                          walk = (walk + 1) % (last.inspect.backward.length + 1);
                          drawInspector(last.inspect);
                          $("backward-text").scrollIntoView({block: "nearest"});  // the step just taken, in view
                        });
    const animate = button("walk-play", "Animate the walk", "the backward pass layer by layer, on the diagram",
                           animateWalk);
    label.append("Training point ", input, sample, next, animate);
    const pre = document.createElement("pre"), back = document.createElement("pre");
    pre.id = "inspect-text";
    back.id = "backward-text";
    const unit = document.createElement("div"), into = document.createElement("div"), bias = document.createElement("label");
    const biasValue = document.createElement("input");
    unit.id = "unit-box"; into.id = "weights-into";
    biasValue.id = "bias-value"; biasValue.type = "text"; biasValue.inputMode = "decimal";
    biasValue.addEventListener("keydown", (event) => { if (event.key === "Enter") setWeight(true); });
    bias.append("Edit b ", biasValue, button("bias-set", "Set", "give the neuron's bias this value", () => setWeight(true)));
    unit.append(into, bias);
    box.append(label, back, weightBox, unit, pre);  // the walk's steps right under its button
  }
  drawWeight(info);
  drawUnitBox(info);
  const shown = info.backward.slice(0, walk);
  $("backward-text").textContent = shown.length ? "Backward pass on this point, from the output back:\n" + shown.map(
    (b, k) => (k === 0 ? `layer ${b.layer + 1} (output): delta${b.layer + 1} = dL/dz${b.layer + 1}`
      : `layer ${b.layer + 1}: delta${b.layer + 1} = (W${b.layer + 2}^T delta${b.layer + 2}) * f'(z${b.layer + 1})`) +
      ` = [${b.delta.map(d => d.toExponential(3)).join(", ")}]`).join("\n") : "";
  for (const node of $("network").querySelectorAll(".node"))
    node.classList.toggle("walking", walk > 0 && +node.dataset.layer === info.backward[walk - 1].layer + 1);
  $("inspect-text").textContent =
    `Layer ${info.layer + 1}, neuron ${info.neuron + 1}, on training point ${info.point + 1} ` +
    `x = (${info.x.join(", ")}), target ${info.target}\n` +
    `z = sum_i w_i a_i + b = ${terms} + (${format(info.bias, 4)}) = ${format(info.z, 5)}\n` +
    `a = ${name}(z) = ${format(info.a, 5)}\n` +
    `delta = dL/dz = ${info.delta.toExponential(4)}   (loss on this point ${format(info.loss, 5)})\n` +
    `dL/dw_i = delta * a_i = [${info.grad_w.map(g => g.toExponential(3)).join(", ")}]\n` +
    `dL/db = delta = ${info.delta.toExponential(4)}`;
}

const WALK_MS = 900;  // how long the animated walk stays on each layer
let walkTimer = null;

function animateWalk() {  // from the output back to the first layer, one layer at a time, then stop
  clearInterval(walkTimer);
  walk = 0;
  const stepBack = () => {
    if (!last || !last.inspect || walk >= last.inspect.backward.length) { clearInterval(walkTimer); return; }
    walk += 1;
    drawInspector(last.inspect);
    $("backward-text").scrollIntoView({block: "nearest"});
  };
  stepBack();
  walkTimer = setInterval(stepBack, WALK_MS);
}

let shownUnit = "";  // which neuron the unit box is built for, and the bias it shows

function drawUnitBox(info) {  // the weights into the neuron, each a button (a way in from the keyboard), and its bias
  const key = `${info.layer},${info.neuron}`, [builtFor] = shownUnit.split(";");
  if (builtFor !== key) {
    const sources = info.weights.map((_, i) => i);
    $("weights-into").replaceChildren("Weights into it: ", ...sources.map(i => button(
      `weight-into-${i}`, `from ${unitName(info.layer, i)}`, "show this weight's numbers",
      () => inspect(info.layer, info.neuron, i))));
  }
  if (`${key};${info.bias}` !== shownUnit && document.activeElement !== $("bias-value"))
    $("bias-value").value = String(+info.bias.toPrecision(6));
  shownUnit = `${key};${info.bias}`;
}

let shownWeight = "";  // which weight the edit box holds, so a frame does not overwrite what is being typed

function drawWeight(info) {
  const w = info.weight, box = $("weight-box");
  box.hidden = !w;
  if (!w) { shownWeight = ""; return; }
  const l = info.layer, i = w.from, j = info.neuron, key = `${l},${j},${i},${w.value}`;
  $("weight-text").textContent =
    `Weight W${l + 1}[${j + 1}, ${i + 1}]: from ${l === 0 ? `input ${settings.features[i]}` : `neuron ${i + 1} of layer ${l}`} ` +
    `into neuron ${j + 1} of ${l + 1 === last.weights.length ? "the output layer" : `layer ${l + 1}`}, ` +
    `on training point ${info.point + 1}\n` +
    `w = ${w.value.toPrecision(6)}\n` +
    `a${l}[${i + 1}] = ${w.input.toPrecision(6)}   (the input activation it multiplies)\n` +
    `delta${l + 1}[${j + 1}] = dL/dz${l + 1}[${j + 1}] = ${w.delta.toExponential(4)}   (the delta of the neuron it feeds)\n` +
    `dL/dw = delta * a = (${w.delta.toExponential(4)}) * (${w.input.toPrecision(6)}) = ${w.grad.toExponential(4)}`;
  if (key !== shownWeight && document.activeElement !== $("weight-value")) {
    $("weight-value").value = String(+w.value.toPrecision(6));
    shownWeight = key;
  }
}

function button(id, text, title, onClick) {
  const b = document.createElement("button");
  b.id = id; b.textContent = text; b.title = title;
  b.addEventListener("click", onClick);
  return b;
}

function drawConfusion(confusion) {  // {points: "test" or "training", counts: [true class][predicted class]}
  const table = $("confusion");
  if (!confusion) { table.replaceChildren(); table.dataset.shown = ""; return; }
  const matrix = confusion.counts, total = matrix.flat().reduce((a, b) => a + b, 0);
  const rows = [`<caption>Confusion matrix, ${total} ${confusion.points} points</caption>`,
                `<tr><th>true \\ predicted</th>${matrix.map((_, j) => `<th>${j}</th>`).join("")}</tr>`];
  matrix.forEach((row, i) => rows.push(`<tr><th>${i}</th>${row.map(v => `<td>${v}</td>`).join("")}</tr>`));
  const html = rows.join("");
  if (table.dataset.shown !== html) { table.innerHTML = html; table.dataset.shown = html; }  // only when it changed
}

function render(frame) {
  if (frame.points) points = frame.points;
  if (frame.generation !== generation) { generation = frame.generation; losses.length = 0; }
  losses.push(...frame.history);
  last = frame;
  window.playground.frames += 1;
  window.playground.last = frame;
  if (JSON.stringify(frame.settings) !== JSON.stringify(settings)) { settings = frame.settings; syncControls(); writeUrl(); }
  $("epoch").textContent = frame.epoch.toLocaleString("en");
  $("current-lr").textContent = Number(frame.lr.toPrecision(3)).toString();
  $("play").textContent = frame.playing ? "Pause" : "Play";
  $("play").classList.toggle("playing", frame.playing);
  const now = losses[losses.length - 1] || {};
  $("train-loss").textContent = format(now.train_loss);
  $("test-loss").textContent = format(now.test_loss);
  for (const id of ["train-accuracy", "test-accuracy"]) {  // a regression has no accuracy: not shown
    $(id).parentElement.hidden = frame.settings.problem === "regression";
    $(id).textContent = percent(now[id.replace("-", "_")]);
  }
  if (frame.stopped) showStatus(`Stopped: ${frame.stopped}.`);
  drawChart();
  drawMap(frame);
  const info = frame.inspect;  // what the server follows (a rebuilt network follows nothing)
  selected = info ? [info.layer, info.neuron, info.weight ? info.weight.from : null] : null;
  updateNetwork(frame);
  drawConfusion(frame.confusion);
  if ($("command").textContent !== frame.command) $("command").textContent = frame.command;
  drawInspector(frame.inspect);
}

start().catch(error => showStatus(`The page could not start: ${error.message}`, "error"));
