// @ts-check
// The designer's canvas: each step a box (a button named by the step, its input ports
// on top, its output ports below, the server's problems inside), the edges between
// ports in an SVG underneath (decoration: each step's description says what it reads).
// Positions come from the draft's layout, else from the automatic layout (layered by
// longest path, an edge that spans rows routed beside the boxes of the rows between).

import { h, uid } from "../dom.js";
import { breakable } from "../format.js";
import { edgesOf, layered } from "../graph.js";

/** @typedef {import("./model.js").Draft} Draft */
/** @typedef {import("./model.js").Component} Component */
/** @typedef {{x: number, y: number}} Point */

export const BOX_W = 200;
export const BOX_H = 112;
const GAP_X = 40;
const GAP_Y = 56;
const PAD = 16;
const MIN_W = 480;
const MIN_H = 320;

const VIA_W = 24; // the width a waypoint of a long edge takes in its row

/** The automatic layout (graph.js `layered`): rows of boxes and of the waypoints of edges
 * that span rows, each row centred; where each box and waypoint goes, and each edge's waypoints.
 * @param {Draft} draft */
function autoLayout(draft) {
  const edges = edgesOf(draft.steps);
  const { rows, via } = layered(draft.steps, edges);
  const widthOf = (/** @type {string} */ n) => (draft.steps[n] ? BOX_W : VIA_W);
  const rowWidth = (/** @type {Array<string>} */ row) => row.reduce((s, n) => s + widthOf(n), 0) + Math.max(0, row.length - 1) * GAP_X;
  const widest = Math.max(0, ...rows.map(rowWidth));
  /** @type {Record<string, Point>} */
  const at = {};
  rows.forEach((row, r) => {
    let x = PAD + Math.round((widest - rowWidth(row)) / 2);
    for (const n of row) {
      at[n] = { x, y: PAD + r * (BOX_H + GAP_Y) };
      x += widthOf(n) + GAP_X;
    }
  });
  return { at, edges, via };
}

/** Where every step is drawn: moved steps where they were put, the others laid out automatically.
 * @param {Draft} draft @returns {Record<string, Point>} */
export function positions(draft) {
  const { at } = autoLayout(draft);
  /** @type {Record<string, Point>} */
  const out = {};
  for (const name of Object.keys(draft.steps)) out[name] = draft.layout[name] || at[name];
  return out;
}

/** A free place for a step added without a drop point, below everything drawn. @param {Record<string, Point>} at */
export function freeSpot(at) {
  const bottom = Math.max(-GAP_Y, ...Object.values(at).map((p) => p.y + BOX_H));
  return { x: PAD, y: bottom + GAP_Y };
}

/** @param {Draft} draft @param {Record<string, Component>} components @param {string} step
 * @param {string} port @param {"inputs" | "outputs"} kind */
function portX(draft, components, step, port, kind) {
  const component = components[draft.steps[step].component];
  const ports = component ? component[kind].map((p) => p.name) : [];
  return (BOX_W * (Math.max(0, ports.indexOf(port)) + 1)) / (Math.max(1, ports.length) + 1);
}

/** A curve from a port below to a port above (it stays between the two heights).
 * @param {number} x1 @param {number} y1 @param {number} x2 @param {number} y2 */
function curve(x1, y1, x2, y2) {
  const bend = Math.max(30, Math.abs(y2 - y1) / 2);
  return `C${x1},${y1 + bend} ${x2},${y2 - bend} ${x2},${y2}`;
}

/** The edges, each from its output port to its input port; an edge between two steps that
 * keep their automatic places runs through its waypoints, beside the boxes of the rows it spans.
 * @param {Draft} draft @param {Record<string, Component>} components @param {Record<string, Point>} at
 * @param {ReturnType<typeof autoLayout>} auto @param {{width: number, height: number}} size */
function edgeLayer(draft, components, at, auto, size) {
  const svg = h("svg:svg", { class: "edges", width: size.width, height: size.height, "aria-hidden": "true", focusable: "false" });
  const markerId = uid("arrow");
  svg.append(h("svg:defs", {}, h("svg:marker", {
    id: markerId, viewBox: "0 0 10 10", refX: "9", refY: "5", markerWidth: "7", markerHeight: "7", orient: "auto",
  }, h("svg:path", { d: "M0,0 L10,5 L0,10 z", class: "arrow" }))));
  for (const e of auto.edges) {
    if (!at[e.from] || !at[e.to]) continue;
    const x1 = at[e.from].x + portX(draft, components, e.from, e.outputPort, "outputs");
    const y1 = at[e.from].y + BOX_H;
    const x2 = at[e.to].x + portX(draft, components, e.to, e.inputPort, "inputs");
    const y2 = at[e.to].y - 2;
    const routed = !draft.layout[e.from] && !draft.layout[e.to];
    let d = `M${x1},${y1} `;
    let [x, y] = [x1, y1];
    for (const point of routed ? auto.via.get(e) || [] : []) {
      const p = auto.at[point];
      const px = p.x + VIA_W / 2;
      d += `${curve(x, y, px, p.y)} L${px},${p.y + BOX_H} `;
      [x, y] = [px, p.y + BOX_H];
    }
    d += curve(x, y, x2, y2);
    svg.append(h("svg:path", { class: "edge", d, "marker-end": `url(#${markerId})`, "data-from": e.from, "data-to": e.to }));
  }
  return svg;
}

/** A port's button, named `<step>.<port> (input)` or `(output)`.
 * @param {string} step @param {{name: string, type: string}} port @param {"input" | "output"} kind @param {any} view */
function portButton(step, port, kind, view) {
  const pending = view.pending && view.pending.step === step && view.pending.port === port && kind === "output";
  const fits = view.pending && kind === "input" && view.pending.type === port.type && view.pending.step !== step;
  return h("button", {
    type: "button", class: `port port-${kind} type-${port.type}${fits ? " can-connect" : ""}`,
    "aria-pressed": kind === "output" ? String(Boolean(pending)) : null,
    // The visible text is the port's name; the accessible name says whose port it is.
    "aria-label": `${step}.${port.name} (${kind})`, title: `${port.type} ${kind}`,
    onclick: () => view.onPort(step, port, kind),
  }, port.name);
}

/** One step's box. @param {string} name @param {Draft} draft @param {Record<string, Component>} components
 * @param {Point} at @param {any} view */
function stepBox(name, draft, components, at, view) {
  const step = draft.steps[name];
  const component = components[step.component] || { inputs: [], outputs: [] };
  const problems = view.problems[name] || [];
  const descId = uid("step-desc");
  const reads = Object.entries(step.inputs || {}).map(([port, ref]) => `${port} from ${ref}`);
  const button = h("button", {
    type: "button", class: "step-button", "aria-pressed": String(view.selected === name),
    "aria-describedby": descId, dataset: { step: name }, onclick: () => view.onSelect(name),
    onkeydown: (/** @type {KeyboardEvent} */ event) => view.onStepKey(event, name),
  }, breakable(name));
  const box = h("div", { class: `dstep${problems.length ? " has-problems" : ""}`, dataset: { step: name } },
    h("div", { class: "ports ports-in" }, component.inputs.map((p) => portButton(name, p, "input", view))),
    button,
    h("span", { class: "step-component", id: descId }, step.component,
      h("span", { class: "visually-hidden" }, reads.length ? `, reads ${reads.join(", ")}` : ", reads nothing yet")),
    // The message first: a line of the box shows its start (what is wrong), then where.
    problems.length ? h("ul", { class: "step-problems" }, problems.map((p) => h("li", { title: `${p.msg}${p.path.length ? ` (${p.path.join(".")})` : ""}` },
      p.msg, p.path.length ? [" ", h("code", {}, `(${p.path.join(".")})`)] : null))) : null,
    h("div", { class: "ports ports-out" }, component.outputs.map((p) => portButton(name, p, "output", view))));
  box.style.left = `${at.x}px`;
  box.style.top = `${at.y}px`;
  box.style.width = `${BOX_W}px`;
  box.style.minHeight = `${BOX_H}px`;
  return box;
}

/**
 * The canvas of a draft. `view` holds what the page knows beyond the draft: selected,
 * pending (an output port waiting for its input), problems ({step: [{path, msg}]}) and the
 * callbacks onSelect, onPort, onStepKey, onMove(name, point, all) and onDrop(component, point).
 * @param {Draft} draft @param {Record<string, Component>} components @param {any} view
 */
export function drawCanvas(draft, components, view) {
  const auto = autoLayout(draft);
  const at = positions(draft);
  const drawn = [...Object.values(at), ...Object.values(auto.at)];
  const width = Math.max(MIN_W, ...drawn.map((p) => p.x + BOX_W + PAD));
  const height = Math.max(MIN_H, ...drawn.map((p) => p.y + BOX_H + PAD + 40));
  const area = h("div", { class: "canvas-area" }, edgeLayer(draft, components, at, auto, { width, height }));
  area.style.width = `${width}px`;
  area.style.height = `${height}px`;
  for (const name of Object.keys(draft.steps)) {
    const box = stepBox(name, draft, components, at[name], view);
    dragToMove(box, name, at, view);
    area.append(box);
  }
  if (!Object.keys(draft.steps).length) {
    area.append(h("p", { class: "canvas-empty" }, "An empty draft: drag a component here from Components, or use its Add button."));
  }
  acceptDrops(area, view);
  return area;
}

/** Moving a box with the mouse (or a finger): a press that moves more than a few pixels is
 * a move, not a click. @param {HTMLElement} box @param {string} name @param {Record<string, Point>} at @param {any} view */
function dragToMove(box, name, at, view) {
  box.addEventListener("pointerdown", (event) => {
    if (event.button !== 0 || /** @type {HTMLElement} */ (event.target).closest(".port")) return;
    const start = { x: event.clientX, y: event.clientY };
    let moved = false;
    const onMove = (/** @type {PointerEvent} */ e) => {
      const dx = e.clientX - start.x;
      const dy = e.clientY - start.y;
      if (!moved && Math.hypot(dx, dy) < 5) return;
      moved = true;
      box.classList.add("dragging");
      box.style.left = `${Math.max(0, at[name].x + dx)}px`;
      box.style.top = `${Math.max(0, at[name].y + dy)}px`;
    };
    const onUp = (/** @type {PointerEvent} */ e) => {
      window.removeEventListener("pointermove", onMove);
      window.removeEventListener("pointerup", onUp);
      if (!moved) return;
      // The canvas is drawn again at once, so the click that ends a move selects nothing.
      view.onMove(name, { x: at[name].x + e.clientX - start.x, y: at[name].y + e.clientY - start.y }, at);
    };
    window.addEventListener("pointermove", onMove);
    window.addEventListener("pointerup", onUp);
  });
}

/** A component dragged from the palette and dropped here becomes a step where it was dropped.
 * @param {HTMLElement} area @param {any} view */
function acceptDrops(area, view) {
  area.addEventListener("dragover", (event) => {
    if (event.dataTransfer && event.dataTransfer.types.includes("application/x-retrainer-component")) event.preventDefault();
  });
  area.addEventListener("drop", (event) => {
    const component = event.dataTransfer && event.dataTransfer.getData("application/x-retrainer-component");
    if (!component) return;
    event.preventDefault();
    const rect = area.getBoundingClientRect();
    view.onDrop(component, { x: event.clientX - rect.left - BOX_W / 2, y: event.clientY - rect.top - 20 });
  });
}
