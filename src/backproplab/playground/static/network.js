// The network's drawing: one column per layer (every input feature, the hidden layers, the output),
// a line per weight and a square per bias, redrawn from each frame.
"use strict";

// The network: one column per layer (inputs, hidden layers, output), lines for the weights.
function layout(frame) {
  const widths = [options.choices.features.length, ...settings.hidden, frame.weights[frame.weights.length - 1].bias.length];
  const box = $("network"), columns = widths.length, width = box.clientWidth || 500, node = 34;
  const gap = columns > 1 ? (width - 80 - node) / (columns - 1) : 0;
  const spacing = Math.min(46, (MAX_HEIGHT - TOP) / Math.max(...widths));
  box.style.height = `${TOP + spacing * Math.max(...widths) + 8}px`;  // as tall as the widest layer needs
  const size = Math.min(node, spacing - 6);
  return widths.map((n, c) => Array.from({length: n}, (_, j) => ({x: 60 + c * gap, y: TOP + j * spacing, size})));
}

function buildNetwork(frame) {
  const box = $("network"), svg = $("links"), places = layout(frame), all = options.choices.features;
  box.querySelectorAll(".node, .layer-head").forEach(e => e.remove());
  svg.replaceChildren();
  drawing.lines = [];
  places.forEach((column, c) => {
    const head = document.createElement("div");
    head.className = "layer-head";
    head.style.left = `${column[0].x - 30}px`;
    if (c > 0 && c <= settings.hidden.length) head.append(layerControls(c - 1));
    else head.textContent = c === 0 ? "inputs" : "output";
    head.style.top = "-4px";
    box.append(head);
  });
  for (let l = 0; l < frame.weights.length; l++) {
    frame.weights[l].weight.forEach((row, to) => row.forEach((_, from) => {
      // the first layer's weights come from the chosen features, drawn among all of them
      const a = places[l][l === 0 ? all.indexOf(settings.features[from]) : from], b = places[l + 1][to];
      // a curve, level at both ends as in TF: easier to follow than a straight line where many cross
      const line = document.createElementNS("http://www.w3.org/2000/svg", "path");
      const x1 = a.x + a.size, y1 = a.y + a.size / 2, x2 = b.x, y2 = b.y + b.size / 2, middle = (x1 + x2) / 2;
      line.setAttribute("d", `M${x1},${y1} C${middle},${y1} ${middle},${y2} ${x2},${y2}`);
      line.setAttribute("fill", "none");
      line.dataset.layer = l; line.dataset.to = to; line.dataset.from = from;
      line.setAttribute("opacity", "0.75");
      line.addEventListener("click", () => inspect(l, to, from));
      line.addEventListener("mouseenter", (event) => showCard({layer: l, to, from}, event));
      line.addEventListener("mouseleave", hideCard);
      svg.append(line);
      drawing.lines.push({element: line, layer: l, to, from, stroke: null, width: null, chosen: false});
    }));
  }
  places.forEach((column, c) => column.forEach((p, j) => box.append(c === 0 ? inputNode(all[j], p) : unitNode(c, j, p))));
  drawing.nodes = [...box.querySelectorAll(".node")];
}

// What buildNetwork made, so that each frame updates it without looking it up in the page again:
// each line with the layer, neuron and input of its weight and the attributes it has now.
const drawing = {lines: [], nodes: []};

function placed(p) {  // a node's box at its place, with a canvas for its map
  const node = document.createElement("div"), canvas = document.createElement("canvas");
  node.className = "node";
  node.style.cssText = `left:${p.x}px;top:${p.y}px;width:${p.size}px;height:${p.size}px`;
  canvas.width = canvas.height = 16;
  node.append(canvas);
  return node;
}

function inputNode(feature, p) {  // every feature has one; a click (or Enter) adds or drops it
  const node = placed(p), k = settings.features.indexOf(feature), name = document.createElement("span");
  node.dataset.layer = 0; node.dataset.neuron = k; node.dataset.feature = feature;
  node.classList.toggle("off", k < 0);
  name.className = "name";
  name.textContent = feature;
  node.append(name);
  const toggle = () => toggleFeature(feature);
  node.addEventListener("click", toggle);
  node.addEventListener("mouseenter", (event) => k >= 0 ? enterUnit(0, k, event) : showCard({feature}, event));
  node.addEventListener("mouseleave", leaveUnit);
  makeReachable(node, `input ${feature}: ${k < 0 ? "add it" : "drop it"}`, toggle);
  return node;
}

function toggleFeature(feature) {
  const chosen = options.choices.features.filter(f => f === feature ? !settings.features.includes(f)
                                                                     : settings.features.includes(f));
  if (chosen.length) send({features: chosen});
  else showStatus("The network needs at least one input.", "error");
}

function unitNode(c, j, p) {  // a hidden or output neuron: click (or Enter) for its numbers
  const node = placed(p), bias = document.createElement("div");
  node.dataset.layer = c; node.dataset.neuron = j;
  bias.className = "bias";  // the bias, a square at the unit's corner as in TF
  node.append(bias);
  node.addEventListener("click", () => inspect(c - 1, j));
  node.addEventListener("mouseenter", (event) => enterUnit(c, j, event));
  node.addEventListener("mouseleave", leaveUnit);
  node.addEventListener("focus", () => enterUnit(c, j));
  node.addEventListener("blur", leaveUnit);
  makeReachable(node, `${unitName(c, j)}: show its backpropagation numbers`, () => inspect(c - 1, j));
  return node;
}

function layerControls(index) {
  const wrap = document.createElement("div"), plus = document.createElement("button"), minus = document.createElement("button");
  const select = document.createElement("select");
  plus.textContent = "+"; minus.textContent = "\u2212";
  plus.title = "add a neuron"; minus.title = "remove a neuron";
  plus.className = "add-neuron"; minus.className = "remove-neuron";
  const resize = (delta) => {
    const hidden = [...settings.hidden];
    hidden[index] = Math.max(1, Math.min(options.limits.neurons, hidden[index] + delta));
    send({hidden});
  };
  plus.addEventListener("click", () => resize(1));
  minus.addEventListener("click", () => resize(-1));
  fill(select, options.choices.activation);
  select.value = settings.activation[index];
  select.className = "layer-activation";
  select.addEventListener("change", () => {
    const activation = [...settings.activation];
    activation[index] = select.value;
    send({activation});
  });
  const n = settings.hidden[index];
  wrap.append(plus, minus, document.createElement("br"), `${n} neuron${n === 1 ? "" : "s"}`, document.createElement("br"), select);
  return wrap;
}

function updateNetwork(frame) {
  const key = JSON.stringify([settings.features, settings.hidden, settings.activation, frame.weights.map(w => w.bias.length)]);
  if (key !== structure) { structure = key; buildNetwork(frame); }
  // the lines draw the weights, or with "show gradients" each weight's dL/dw (colour: sign; width: size)
  const drawn = frame.gradients || frame.weights;
  let biggest = 0;
  for (const layer of drawn) for (const row of layer.weight) for (const w of row) biggest = Math.max(biggest, Math.abs(w));
  for (const line of drawing.lines) {  // attributes are set only when they change: each costs a restyle
    const w = drawn[line.layer].weight[line.to][line.from];
    const stroke = w >= 0 ? "#0877bd" : "#f59322", width = (0.5 + 5 * Math.abs(w) / (biggest || 1)).toFixed(1);
    if (line.stroke !== stroke) line.element.setAttribute("stroke", line.stroke = stroke);
    if (line.width !== width) line.element.setAttribute("stroke-width", line.width = width);
    const chosen = !!selected && selected[2] !== null && selected[0] === line.layer &&
      selected[1] === line.to && selected[2] === line.from;
    if (line.chosen !== chosen) {
      line.element.classList.toggle("selected", line.chosen = chosen);
      if (chosen) line.element.parentNode.append(line.element);  // drawn last, over the lines it crosses
    }
  }
  let biggestBias = 0;
  for (const layer of frame.weights) for (const b of layer.bias) biggestBias = Math.max(biggestBias, Math.abs(b));
  for (const square of $("network").querySelectorAll(".bias")) {  // colour: sign; strength: size
    const node = square.parentNode, b = frame.weights[node.dataset.layer - 1].bias[node.dataset.neuron];
    square.style.background = b >= 0 ? "#0877bd" : "#f59322";
    square.style.opacity = (0.15 + 0.85 * Math.abs(b) / (biggestBias || 1)).toFixed(2);
  }
  drawDeltas(frame);
  fillCard(frame);
  const output = decode(frame.map.value), outSize = Math.round(Math.sqrt(output.length));
  for (const node of drawing.nodes) {
    const c = +node.dataset.layer, j = +node.dataset.neuron, canvas = node.firstChild;
    if (j < 0) {  // a feature the network does not take: its picture, faded
      const values = decode(options.feature_maps[node.dataset.feature]);
      paint(canvas, 16, i => DIVERGING[values[i]]);
    } else if (c < frame.neurons.length) {
      const values = decode(frame.neurons[c][j]), palette = unitPalette(frame, c, j);
      paint(canvas, 16, i => palette[values[i]]);
    } else paint(canvas, outSize, i => DIVERGING[frame.map.kind === "classes" ? 128 : output[i]]);
    node.classList.toggle("selected", !!selected && selected[2] === null && selected[0] === c - 1 && selected[1] === j);
  }
}

