// The views around the network and the map (app.js draws those): hover cards for weights and
// biases, a unit drawn large while the pointer is over it, the map's colour legend, the teacher's
// hidden controls, and the keyboard's way into the network. Functions only: app.js calls them.
"use strict";

// --- names: one numbering on the whole page, from 1 -------------------------------------------
function unitName(layer, j) {  // layer of the drawing: 0 the inputs, then the hidden layers, then the output
  if (layer === 0) return `input ${settings.features[j]}`;
  if (layer === settings.hidden.length + 1) return `output ${j + 1}`;
  return `neuron ${j + 1} of layer ${layer}`;
}

// --- hover cards: a weight's or a bias's value under the pointer, without a click ---------------
let card = null;  // {layer, to, from} for a weight, {layer, neuron} for a unit; null: no card

function showCard(target, event) {
  card = target;
  const box = $("network").getBoundingClientRect(), element = $("card");
  element.style.left = `${Math.min(event.clientX - box.left + 12, box.width - 190)}px`;
  element.style.top = `${event.clientY - box.top + 12}px`;
  fillCard(last);
}

function hideCard() {
  card = null;
  $("card").hidden = true;
}

function fillCard(frame) {  // called on every frame too, so the card follows training
  if (!card || !frame) return;
  let text;
  if (card.feature) {
    text = `input ${card.feature}: not fed to the network\nclick to add it`;
  } else if (card.from !== undefined) {
    const w = frame.weights[card.layer].weight[card.to][card.from];
    text = `weight ${w.toFixed(4)}\nfrom ${unitName(card.layer, card.from)}\ninto ${unitName(card.layer + 1, card.to)}`;
    if (frame.gradients) text += `\ndL/dw ${frame.gradients[card.layer].weight[card.to][card.from].toExponential(3)}`;
  } else if (card.layer === 0) {
    text = `${unitName(0, card.neuron)}: fed to the network\nclick to drop it`;
  } else {
    const b = frame.weights[card.layer - 1].bias[card.neuron];
    text = `${unitName(card.layer, card.neuron)}\nbias ${b.toFixed(4)}\nclick: its backpropagation numbers`;
    if (frame.gradients) text += `\nmean delta (dL/db) ${frame.gradients[card.layer - 1].delta[card.neuron].toExponential(3)}`;
  }
  $("card").textContent = text;
  $("card").hidden = false;
}

// --- a unit drawn large on the map while the pointer (or the keyboard's focus) is on it ---------
let hovering = null;

function enterUnit(layer, j, event) {
  hovering = [layer, j];
  if (event && event.clientX !== undefined) showCard({layer, neuron: j}, event);
  post(`/api/sessions/${sessionId}/hover`, {layer, neuron: j}).catch(() => {});
}

function leaveUnit() {
  hovering = null;
  hideCard();
  setTimeout(() => {  // unless the pointer went on to another unit (whose request then stands)
    if (!hovering) post(`/api/sessions/${sessionId}/hover`, {}).catch(() => {});
  }, 80);
}

function mapCaption(frame) {  // what the map shows: the network's answer, or the unit under the pointer
  const h = frame.hover;
  $("map-caption").textContent = h ? `Showing ${unitName(h.layer, h.neuron)}` +
    (h.kind === "unit" ? " (its output over the square, scaled to its largest)" : "") +
    (h.deltas ? "; rings: its delta at each training point (size: how much; blue +, orange -)" : "") : "";
}

// --- the map's colour legend and class-colour key ------------------------------------------------
let legendKind = "";

// A class's output (of a network of more than two classes) is drawn in that class's colour, from
// white where its probability is 0 to full colour where it is 1; any other unit orange - white - blue.
function classOutput(frame, layer, j) {  // the class whose probability unit j of drawn layer ``layer`` is, or -1
  return frame.map.kind === "classes" && layer === frame.neurons.length - 1 ? j % COLORS.length : -1;
}

function unitPalette(frame, layer, j, pale) {
  const k = classOutput(frame, layer, j);
  return k < 0 ? (pale ? DIVERGING_PALE : DIVERGING) : (pale ? CLASS_RAMP_PALE : CLASS_RAMP)[k];
}

function drawLegend(frame) {
  const h = frame.hover, classes = points ? points.classes : 0, k = h ? classOutput(frame, h.layer, h.neuron) : -1;
  const output = h && h.layer === frame.neurons.length - 1;  // an output unit: on the answer's scale
  const kind = !h ? frame.map.kind : k >= 0 ? `class ${k}` : output ? frame.map.kind : "unit";
  if (legendKind === kind + classes) return;
  legendKind = kind + classes;
  const legend = $("map-legend");
  if (kind === "classes") {  // one chip per class; the shade is how sure the network is
    legend.replaceChildren(...Array.from({length: classes}, (_, k) => {
      const chip = document.createElement("span");
      chip.className = "chip";
      chip.style.background = `rgb(${COLORS[k % COLORS.length].join(",")})`;
      const label = document.createElement("span");
      label.append(chip, `class ${k}`);
      return label;
    }), "paler: less sure");
    return;
  }
  const ends = {binary: ["0: class 0", "P(class 1)", "1: class 1"], regression: ["-1", "the output", "1"],
                unit: ["-1", "the unit's output", "1"], answer: ["0", "the output", "1"]}[kind] || ["", "", ""];
  const bar = document.createElement("div"), labels = document.createElement("div");
  bar.className = "bar";
  if (k >= 0) {  // one class's probability: white to its colour
    ends.splice(0, 3, "0", `P(class ${k})`, "1");
    bar.style.background = `linear-gradient(to right, #fff, rgb(${CLASS_RAMP_PALE[k][255].join(",")}))`;
  }
  labels.className = "bar-labels";
  labels.replaceChildren(...ends.map(text => Object.assign(document.createElement("span"), {textContent: text})));
  legend.replaceChildren(bar, labels);
}

// --- a thumbnail per data set: a click chooses it ------------------------------------------------
function buildThumbnails() {
  const half = options.square, size = 40;
  $("dataset-thumbs").replaceChildren(...Object.entries(options.previews).map(([name, rows]) => {
    const canvas = document.createElement("canvas"), ctx = canvas.getContext("2d");
    canvas.width = canvas.height = size;
    canvas.title = name;
    canvas.dataset.dataset = name;
    const regression = options.regression_sets.includes(name);
    for (const [x1, x2, y] of rows) {
      const color = regression ? diverging(Math.round((Math.max(-1, Math.min(1, y)) + 1) * 127.5)) : COLORS[y % COLORS.length];
      ctx.fillStyle = `rgb(${color.join(",")})`;
      ctx.fillRect((x1 + half) / (2 * half) * size - 1, (half - x2) / (2 * half) * size - 1, 2.5, 2.5);
    }
    makeReachable(canvas, `data set ${name}`, () => changeChoice("dataset", name));
    canvas.addEventListener("click", () => changeChoice("dataset", name));
    return canvas;
  }));
}

function markThumbnail() {
  for (const canvas of $("dataset-thumbs").children) canvas.classList.toggle("chosen", canvas.dataset.dataset === settings.dataset);
}

// --- "show gradients": each neuron's delta, averaged over the training points, as its frame ------
function drawDeltas(frame) {  // the frame's colour: the sign of the mean delta; its width: its size
  let biggest = 0;
  if (frame.gradients) for (const layer of frame.gradients) for (const d of layer.delta) biggest = Math.max(biggest, Math.abs(d));
  for (const node of $("network").querySelectorAll(".node")) {
    const c = +node.dataset.layer, j = +node.dataset.neuron;
    if (!frame.gradients || c === 0) { node.style.boxShadow = ""; continue; }
    const d = frame.gradients[c - 1].delta[j], width = (1 + 5 * Math.abs(d) / (biggest || 1)).toFixed(1);
    node.style.boxShadow = `0 0 0 ${width}px ${d >= 0 ? "#0877bd" : "#f59322"}`;
  }
}

function drawDeltaRings(ctx, deltas, half, scale) {  // a pointed-at neuron's delta at each training point
  const biggest = Math.max(...deltas.map(Math.abs)) || 1;
  deltas.forEach((d, k) => {
    const [x1, x2] = points.train[k];
    ctx.beginPath();
    ctx.arc((x1 + half) * scale, (half - x2) * scale, 3.5 + 7 * Math.abs(d) / biggest, 0, 2 * Math.PI);
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = d >= 0 ? "#0a4f7d" : "#a85500";
    ctx.stroke();
  });
}

function setGradients(on) {  // the server computes the gradients only for a page that shows them
  view.gradients = on;
  writeUrl();
  return post(`/api/sessions/${sessionId}/view`, {gradients: on}).catch(error => showStatus(error.message, "error"));
}

// --- a teacher's link: ?hide=lr,activation,... hides those controls ------------------------------
let hiddenControls = [];

function hideControls(names) {
  hiddenControls = names.filter(name => $(name));
  for (const name of hiddenControls) {
    const element = $(name);
    (element.closest("label") || element).hidden = true;
  }
}

// --- the keyboard: every unit can be reached with Tab, and Enter or Space clicks it -------------
function makeReachable(element, label, onPress) {
  element.tabIndex = 0;
  element.setAttribute("role", "button");
  element.setAttribute("aria-label", label);
  element.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") { event.preventDefault(); onPress(); }
  });
}
