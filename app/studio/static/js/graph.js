// @ts-check
// Draws a pipeline as a graph: steps are buttons (boxes) laid out top to bottom by
// depth, and edges run from an output port (bottom of a box) to an input port (top).
// The SVG with the edges is decoration (aria-hidden): each step's button describes
// what it reads, so the structure is there for a screen reader too.

import { h, uid } from "./dom.js";

const BOX_W = 200; // "clean_missing_data" in bold fits on one line
const BOX_H = 76;
const GAP_X = 36;
const GAP_Y = 60;
const PAD = 16;
const LANE = 18;

/** {step: [[upstreamStep, outputPort, inputPort], ...]} from "inputs": {"port": "step.port"} */
export function edgesOf(steps) {
  const edges = [];
  for (const [name, step] of Object.entries(steps)) {
    for (const [inputPort, ref] of Object.entries(step.inputs || {})) {
      const [from, outputPort] = String(ref).split(".");
      if (steps[from]) edges.push({ from, to: name, outputPort, inputPort });
    }
  }
  return edges;
}

/** Steps in rows by depth (a step below everything it reads), each row ordered for fewer crossings. */
export function layers(steps, edges) {
  const depth = {};
  const parents = {};
  for (const name of Object.keys(steps)) parents[name] = [];
  for (const e of edges) parents[e.to].push(e.from);
  const visit = (name, seen = new Set()) => {
    if (depth[name] !== undefined) return depth[name];
    if (seen.has(name)) return 0; // a cycle (the server refuses those); do not loop
    seen.add(name);
    depth[name] = parents[name].length ? Math.max(...parents[name].map((p) => visit(p, seen))) + 1 : 0;
    return depth[name];
  };
  Object.keys(steps).forEach((name) => visit(name));
  const rows = [];
  for (const name of Object.keys(steps)) (rows[depth[name]] ||= []).push(name);
  // Order each row by the mean position of its parents: fewer crossing edges.
  for (let i = 1; i < rows.length; i += 1) {
    const previous = rows[i - 1];
    const score = (n) => {
      const ps = parents[n].filter((p) => previous.includes(p));
      return ps.length ? ps.reduce((s, p) => s + previous.indexOf(p), 0) / ps.length : previous.length;
    };
    rows[i] = (rows[i] || []).sort((a, b) => score(a) - score(b));
  }
  return rows.filter(Boolean);
}

/** Edges between adjacent rows of `rows` that cross each other. @param {Array<Array<string>>} rows
 * @param {Array<[string, string]>} links pairs (upper node, lower node) of adjacent rows */
function crossings(rows, links) {
  /** @type {Record<string, number>} */
  const index = {};
  rows.forEach((row) => row.forEach((n, i) => { index[n] = i; }));
  let count = 0;
  for (let a = 0; a < links.length; a += 1) {
    for (let b = a + 1; b < links.length; b += 1) {
      const [u1, v1] = links[a];
      const [u2, v2] = links[b];
      if (u1 === u2 || v1 === v2 || !rows.some((r) => r.includes(u1) && r.includes(u2))) continue;
      if ((index[u1] - index[u2]) * (index[v1] - index[v2]) < 0) count += 1;
    }
  }
  return count;
}

/** Orders every row by the mean place of each node's neighbours in the row before it
 * (`up`: the row above; else the row below); a node without any keeps its place.
 * @param {Array<Array<string>>} rows @param {Record<string, Array<string>>} neighbours @param {boolean} down */
function sweep(rows, neighbours, down) {
  const next = rows.map((r) => [...r]);
  const order = down ? next.map((_, i) => i).slice(1) : next.map((_, i) => i).reverse().slice(1);
  for (const r of order) {
    const before = next[down ? r - 1 : r + 1];
    const score = (/** @type {string} */ n) => {
      const ns = neighbours[n].filter((m) => before.includes(m));
      return ns.length ? ns.reduce((s, m) => s + before.indexOf(m), 0) / ns.length : next[r].indexOf(n);
    };
    const scores = Object.fromEntries(next[r].map((n) => [n, score(n)]));
    next[r].sort((a, b) => scores[a] - scores[b]);
  }
  return next;
}

/**
 * A layered drawing of the steps (after Sugiyama): each step in the row of its longest
 * path from a step that reads nothing; an edge that spans rows gets a waypoint in every row
 * it passes (so it runs beside the boxes of that row, never through one); each row
 * ordered by the mean place of its neighbours, swept down and up, the order with the
 * fewest crossing edges kept.
 * Returns the rows (waypoints are named `~<edge index>@<row>`, which no step name can be)
 * and each edge's waypoints, top to bottom.
 * @param {Steps} steps @param {Array<Edge>} edges
 * @returns {{rows: Array<Array<string>>, via: Map<Edge, Array<string>>}}
 */
export function layered(steps, edges) {
  const depth = {};
  layers(steps, edges).forEach((row, r) => row.forEach((n) => { depth[n] = r; }));
  /** @type {Array<Array<string>>} */
  let rows = [];
  for (const name of Object.keys(steps)) (rows[depth[name]] ||= []).push(name);
  /** @type {Record<string, Array<string>>} */
  const up = {};
  /** @type {Record<string, Array<string>>} */
  const down = {};
  for (const name of Object.keys(steps)) { up[name] = []; down[name] = []; }
  /** @type {Array<[string, string]>} */
  const links = [];
  const via = new Map();
  const link = (/** @type {string} */ a, /** @type {string} */ b) => { down[a].push(b); up[b].push(a); links.push([a, b]); };
  edges.forEach((e, i) => {
    let last = e.from;
    const points = [];
    for (let r = depth[e.from] + 1; r < depth[e.to]; r += 1) {
      const point = `~${i}@${r}`;
      up[point] = [];
      down[point] = [];
      (rows[r] ||= []).push(point);
      link(last, point);
      points.push(point);
      last = point;
    }
    if (depth[e.to] > depth[e.from]) link(last, e.to);
    via.set(e, points);
  });
  rows = rows.map((r) => r || []);
  let best = { rows, count: crossings(rows, links) };
  for (let i = 0; i < 4 && best.count > 0; i += 1) {
    rows = sweep(sweep(rows, up, true), down, false);
    const count = crossings(rows, links);
    if (count < best.count) best = { rows, count };
  }
  return { rows: best.rows, via };
}

/** @typedef {Record<string, {component: string, inputs?: Record<string, string>}>} Steps */
/** @typedef {{from: string, to: string, outputPort: string, inputPort: string}} Edge */

/** Where each box goes, and the canvas's size. @param {Steps} steps @param {Array<Edge>} edges */
function placement(steps, edges) {
  const rows = layers(steps, edges);
  const widest = Math.max(1, ...rows.map((r) => r.length));
  /** @type {Record<string, number>} */
  const rowOf = {};
  rows.forEach((row, r) => row.forEach((name) => { rowOf[name] = r; }));
  // An edge that skips rows would cross the boxes in between: it runs in a lane on
  // the right of the boxes instead.
  const long = edges.filter((e) => rowOf[e.to] - rowOf[e.from] > 1);
  const boxesWidth = widest * BOX_W + (widest - 1) * GAP_X;
  const width = PAD * 2 + boxesWidth + (long.length ? 12 + long.length * LANE : 0);
  const height = PAD * 2 + rows.length * BOX_H + (rows.length - 1) * GAP_Y;
  /** @type {Record<string, {x: number, y: number}>} */
  const position = {};
  rows.forEach((row, r) => {
    const rowWidth = row.length * BOX_W + (row.length - 1) * GAP_X;
    const left = PAD + (boxesWidth - rowWidth) / 2;
    row.forEach((name, i) => {
      position[name] = { x: left + i * (BOX_W + GAP_X), y: PAD + r * (BOX_H + GAP_Y) };
    });
  });
  return { long, boxesWidth, width, height, position };
}

/** The edges, drawn from output port to input port (decoration: aria-hidden).
 * @param {Steps} steps @param {Record<string, any>} components @param {Array<Edge>} edges
 * @param {ReturnType<typeof placement>} place */
function edgeLayer(steps, components, edges, { long, boxesWidth, width, height, position }) {
  const portX = (/** @type {string} */ name, /** @type {string} */ port, /** @type {"inputs" | "outputs"} */ kind) => {
    const component = components[steps[name].component];
    const ports = component ? component[kind].map((/** @type {{name: string}} */ p) => p.name) : [];
    const index = Math.max(0, ports.indexOf(port));
    const count = Math.max(1, ports.length);
    return position[name].x + (BOX_W * (index + 1)) / (count + 1);
  };
  const svg = h("svg:svg", {
    class: "edges", width, height, viewBox: `0 0 ${width} ${height}`, "aria-hidden": "true", focusable: "false",
  });
  const markerId = uid("arrow");
  svg.append(h("svg:defs", {}, h("svg:marker", {
    id: markerId, viewBox: "0 0 10 10", refX: "9", refY: "5", markerWidth: "7", markerHeight: "7", orient: "auto",
  }, h("svg:path", { d: "M0,0 L10,5 L0,10 z", class: "arrow" }))));
  for (const e of edges) {
    const x1 = portX(e.from, e.outputPort, "outputs");
    const y1 = position[e.from].y + BOX_H;
    const x2 = portX(e.to, e.inputPort, "inputs");
    const y2 = position[e.to].y;
    const lane = long.indexOf(e);
    let d;
    if (lane >= 0) {
      const x = PAD + boxesWidth + 12 + lane * LANE;
      const r = 14;
      d = `M${x1},${y1} C${x1},${y1 + GAP_Y / 2} ${x},${y1 + GAP_Y / 4} ${x},${y1 + GAP_Y / 2 + r} `
        + `L${x},${y2 - GAP_Y / 2 - r} C${x},${y2 - GAP_Y / 4} ${x2},${y2 - GAP_Y / 2} ${x2},${y2 - 2}`;
    } else {
      const bend = Math.max(24, (y2 - y1) / 2);
      d = `M${x1},${y1} C${x1},${y1 + bend} ${x2},${y2 - bend} ${x2},${y2 - 2}`;
    }
    svg.append(h("svg:path", { class: "edge", d, "marker-end": `url(#${markerId})` }));
    svg.append(h("svg:text", { class: "port-label", x: x1 + 4, y: y1 + 13 }, e.outputPort));
    svg.append(h("svg:text", { class: "port-label", x: x2 + 4, y: y2 - 6 }, e.inputPort));
  }
  return svg;
}

/** A step's box: a button named by the step, its component and state beside it.
 * @param {string} name @param {{component: string}} step @param {Array<Edge>} edges @param {{x: number, y: number}} at */
function stepBox(name, step, edges, at) {
  const descId = uid("step-desc");
  const reads = edges.filter((e) => e.to === name).map((e) => `${e.inputPort} from ${e.from}.${e.outputPort}`);
  const state = h("span", { class: "step-state" });
  // The button's visible text is exactly the step's name (its accessible name); the
  // component and the state sit beside it in the box and describe it.
  const button = h("button", {
    type: "button", class: "step-button", "aria-describedby": descId, "aria-pressed": "false",
    dataset: { step: name },
  }, name);
  const box = h("div", { class: "step" },
    button,
    h("span", { class: "step-component", id: descId }, step.component,
      h("span", { class: "visually-hidden" }, reads.length ? `, reads ${reads.join(", ")}` : ""),
      h("span", { class: "visually-hidden" }, ", "), state));
  box.style.left = `${at.x}px`;
  box.style.top = `${at.y}px`;
  box.style.width = `${BOX_W}px`;
  box.style.height = `${BOX_H}px`;
  return { button, box, state };
}

/**
 * steps: {name: {component, inputs}}; components: {name: component}; onSelect(name).
 * Returns {element, select(name), setState(name, status, text)}.
 * @param {Steps} steps
 * @param {Record<string, any>} components
 * @param {{onSelect?: (name: string) => void, label?: string}} [options]
 */
export function drawGraph(steps, components, { onSelect, label = "Pipeline graph" } = {}) {
  const edges = edgesOf(steps);
  const place = placement(steps, edges);
  const canvas = h("div", { class: "graph-canvas" }, edgeLayer(steps, components, edges, place));
  canvas.style.width = `${place.width}px`;
  canvas.style.height = `${place.height}px`;
  /** @type {Record<string, ReturnType<typeof stepBox>>} */
  const buttons = {};
  for (const [name, step] of Object.entries(steps)) {
    const b = stepBox(name, step, edges, place.position[name]);
    b.button.addEventListener("click", () => onSelect && onSelect(name));
    buttons[name] = b;
    canvas.append(b.box);
  }

  const element = h("div", { class: "graph", role: "group", "aria-label": label }, canvas);
  return {
    element,
    /** @param {string} name */
    select(name) {
      for (const [n, b] of Object.entries(buttons)) b.button.setAttribute("aria-pressed", String(n === name));
    },
    /** @param {string} name @param {string} status @param {string} [text] */
    setState(name, status, text) {
      const b = buttons[name];
      if (!b) return;
      b.box.className = `step status-${status}`;
      b.state.textContent = text || status;
    },
  };
}
