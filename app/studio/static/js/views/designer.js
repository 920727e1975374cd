// @ts-check
// A draft's page, the designer: Components (the palette), the Canvas, the selected step's
// panel and the pipeline parameters, under a toolbar (Save, Undo, Redo, Arrange, Submit, Publish).
//
// The page keeps what it shows in one state object (DesignerState); every edit goes through
// `edit`, which keeps the draft before it for Undo; each part is drawn by a function of the
// state. Nothing reaches the server before Save (PUT /pipelines/{id}); its 422 is shown at
// the steps and settings its locs name.

import { api, ApiError, seg } from "../api.js";
import { announce, h, replace } from "../dom.js";
import { time } from "../format.js";
import { guardLeaving } from "../leave.js";
import { submitRunDialog } from "../runform.js";
import { link, pageHeader, showProblem } from "../ui.js";
import { drawCanvas, freeSpot, positions } from "../designer/canvas.js";
import { stepPanel } from "../designer/form.js";
import * as model from "../designer/model.js";
import { drawPalette } from "../designer/palette.js";
import { parametersPanel } from "./pipeline-settings.js";
import { publishDialog } from "./publish.js";

/** @typedef {import("../designer/model.js").Draft} Draft */
/** @typedef {import("../designer/model.js").Component} Component */
/**
 * @typedef {Object} DesignerState
 * @property {string} id
 * @property {any} pipeline the draft as the server last answered it
 * @property {Draft} draft what the page shows, saved or not
 * @property {string} saved the JSON of the last saved draft (unsaved changes: it differs)
 * @property {Array<Draft>} past drafts before each edit (Undo)
 * @property {Array<Draft>} future drafts undone (Redo)
 * @property {Record<string, Component>} components
 * @property {string | null} selected
 * @property {{step: string, port: string, type: string} | null} pending an output port waiting for an input
 * @property {Array<{loc?: Array<string | number>, msg: string}>} problems the last refused save's
 * @property {Record<string, HTMLElement>} boxes
 * @property {AbortSignal} signal
 */

const MAX_HISTORY = 200;
const KEY_STEP = 20; // pixels an arrow key moves a step

/** @param {DesignerState} state */
const dirty = (state) => JSON.stringify(state.draft) !== state.saved;

/** @param {DesignerState} state @param {string} text @param {"ok" | "error" | "info"} [kind] */
function say(state, text, kind = "info") {
  const box = state.boxes.status;
  box.className = `save-status ${kind}`;
  box.textContent = text;
}

/** Applies one edit: the draft before it goes on the Undo stack. A refused edit changes nothing.
 * @param {DesignerState} state @param {(draft: Draft) => Draft} change @param {string} [message] */
function edit(state, change, message) {
  let next;
  try {
    next = change(state.draft);
  } catch (error) {
    if (!(error instanceof model.EditRefused)) throw error;
    say(state, error.message, "error");
    announce(error.message);
    return false;
  }
  if (next === state.draft) return false;
  state.past.push(state.draft);
  if (state.past.length > MAX_HISTORY) state.past.shift();
  state.future = [];
  state.draft = next;
  if (message) say(state, message);
  draw(state);
  return true;
}

/** @param {DesignerState} state @param {"undo" | "redo"} which */
function travel(state, which) {
  const [from, to] = which === "undo" ? [state.past, state.future] : [state.future, state.past];
  const draft = from.pop();
  if (!draft) return;
  to.push(state.draft);
  state.draft = draft;
  if (state.selected && !draft.steps[state.selected]) state.selected = null;
  state.pending = null;
  say(state, which === "undo" ? "Undone." : "Redone.");
  draw(state);
}

/** PUT the draft; a 422 is kept in state.problems and drawn at its steps. @param {DesignerState} state */
async function save(state) {
  const button = /** @type {HTMLButtonElement} */ (state.boxes.save);
  button.disabled = true;
  try {
    const { data } = await api(`/pipelines/${seg(state.id)}`, { method: "PUT", json: model.bodyOf(state.draft) });
    state.pipeline = data;
    state.saved = JSON.stringify(state.draft);
    state.problems = [];
    say(state, `Saved ${time(data.updated_at)}.`, "ok");
    announce("Saved");
    draw(state);
    return true;
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 422) throw error;
    state.problems = error.errors.length ? error.errors : [{ loc: [], msg: error.message }];
    say(state, "Not saved: the server refused the draft (see the problems on the canvas).", "error");
    announce(`Not saved: ${state.problems.length} problem(s)`);
    draw(state);
    return false;
  } finally {
    button.disabled = false;
  }
}

// --- the parts -----------------------------------------------------------------------------

/** @param {DesignerState} state */
function drawToolbar(state) {
  const count = state.problems.length;
  replace(state.boxes.problemCount, count ? `${count} problem${count === 1 ? "" : "s"}` : "");
  /** @type {HTMLButtonElement} */ (state.boxes.undo).disabled = !state.past.length;
  /** @type {HTMLButtonElement} */ (state.boxes.redo).disabled = !state.future.length;
  /** @type {HTMLButtonElement} */ (state.boxes.arrange).disabled = !Object.keys(state.draft.layout).length;
  replace(state.boxes.unsaved, dirty(state) ? "Unsaved changes" : "All changes saved");
  const { rest } = model.problemsByStep(state.problems);
  replace(state.boxes.otherProblems, rest.length ? h("div", { class: "problem", role: "alert" },
    h("p", {}, h("strong", {}, "Problems outside the steps")),
    h("ul", {}, rest.map((p) => h("li", {}, p.loc.length ? h("code", {}, `${p.loc.join(".")}: `) : null, p.msg)))) : "");
}

/** @param {DesignerState} state */
function drawCanvasPart(state) {
  const { steps: problems } = model.problemsByStep(state.problems);
  const view = {
    selected: state.selected, pending: state.pending, problems,
    onSelect: (/** @type {string} */ name) => select(state, name),
    onPort: (/** @type {string} */ step, /** @type {{name: string, type: string}} */ port, /** @type {string} */ kind) => activatePort(state, step, port, kind),
    onStepKey: (/** @type {KeyboardEvent} */ event, /** @type {string} */ name) => stepKey(state, event, name),
    onMove: (/** @type {string} */ name, /** @type {{x: number, y: number}} */ to) => moveTo(state, name, to),
    onDrop: (/** @type {string} */ component, /** @type {{x: number, y: number}} */ at) => addStep(state, component, at),
  };
  const focused = /** @type {HTMLElement | null} */ (document.activeElement);
  const refocus = focused && state.boxes.canvas.contains(focused) ? focusKey(focused) : null;
  replace(state.boxes.canvas, h("h2", { id: "canvas-title" }, "Canvas"),
    h("p", { class: "hint" }, state.pending
      ? `Connecting ${state.pending.step}.${state.pending.port} (${state.pending.type}): activate an input port of type ${state.pending.type}, or press Escape.`
      : "Drag a step to move it (or focus it and use the arrow keys). Activate an output port, then an input port, to connect them."),
    h("div", { class: "canvas-scroll" }, drawCanvas(state.draft, state.components, view)));
  if (refocus) {
    const again = /** @type {HTMLElement | null} */ (state.boxes.canvas.querySelector(refocus));
    if (again) again.focus();
  }
}

/** A selector that finds the same control after the canvas is drawn again. @param {HTMLElement} el */
function focusKey(el) {
  const box = el.closest(".dstep");
  if (!box) return null;
  const step = CSS.escape(/** @type {HTMLElement} */ (box).dataset.step || "");
  if (el.classList.contains("step-button")) return `.dstep[data-step="${step}"] .step-button`;
  const index = [...box.querySelectorAll(".port")].indexOf(el);
  return index >= 0 ? `.dstep[data-step="${step}"] .port:nth-of-type(${index + 1})` : null;
}

/** @param {DesignerState} state */
function drawStepPart(state) {
  const box = state.boxes.step;
  if (!state.selected || !state.draft.steps[state.selected]) {
    replace(box, h("h2", { id: "step-title" }, "Step"),
      h("p", { class: "muted" }, Object.keys(state.draft.steps).length
        ? "Select a step on the canvas to edit its name, inputs and settings."
        : "No steps yet: add one from Components."));
    return;
  }
  const name = state.selected;
  const { steps: problems } = model.problemsByStep(state.problems);
  const ctx = {
    draft: state.draft, step: name, problems,
    set: (/** @type {Array<string>} */ path, /** @type {unknown} */ value) => setSetting(state, name, path, value),
    saveSpec: (/** @type {any} */ spec, /** @type {string} */ message) => parameterEdit(state, spec, message),
  };
  replace(box, stepPanel(ctx, state.components, {
    rename: (to) => {
      if (edit(state, (d) => model.renameStep(d, name, to), `Renamed ${name} to ${to}.`)) select(state, to);
      else drawStepPart(state);
    },
    disconnect: (port) => edit(state, (d) => model.disconnect(d, name, port), `Disconnected ${name}.${port}.`),
    remove: () => {
      state.selected = null;
      edit(state, (d) => model.removeStep(d, name), `Removed the step ${name}.`);
    },
  }));
}

/** What the server would refuse in a parameter's default at once, found here so that the
 * dialog can show it beside its field (the rest is checked at Save).
 * @param {Record<string, any>} parameters @returns {Array<{loc: Array<string>, msg: string}>} */
function parameterProblems(parameters) {
  const problems = [];
  for (const [name, p] of Object.entries(parameters)) {
    const d = p.default;
    if (d === undefined || d === null) continue;
    let msg = null;
    if (p.type === "integer" && !Number.isInteger(d)) msg = `expected an integer, got ${JSON.stringify(d)}`;
    else if (p.type === "number" && typeof d !== "number") msg = `expected a number, got ${JSON.stringify(d)}`;
    else if (p.type === "boolean" && typeof d !== "boolean") msg = `expected true or false, got ${JSON.stringify(d)}`;
    else if (p.type === "enum" && !(p.choices || []).includes(d)) msg = `expected one of ${JSON.stringify(p.choices || [])}`;
    if (msg) problems.push({ loc: ["body", "parameters", name, "default"], msg });
  }
  return problems;
}

/** A parameter dialog's change, as one edit; a default of the wrong type stays in the dialog.
 * @param {DesignerState} state @param {any} spec @param {string} message */
async function parameterEdit(state, spec, message) {
  const problems = parameterProblems(spec.parameters);
  if (problems.length) throw new ApiError(422, { title: "Invalid input", errors: problems });
  edit(state, (d) => ({ ...d, parameters: spec.parameters, steps: spec.steps }), message.replace(/^Saved[:]? ?/, "Changed: "));
}

/** @param {DesignerState} state */
function drawParameters(state) {
  const holder = { pipeline: state.draft };
  parametersPanel(state.boxes.params, holder, (/** @type {any} */ spec, /** @type {string} */ message) => parameterEdit(state, spec, message));
}

/** @param {DesignerState} state */
function draw(state) {
  drawToolbar(state);
  drawCanvasPart(state);
  drawStepPart(state);
  drawParameters(state);
}

// --- what a person does on the canvas ------------------------------------------------------

/** @param {DesignerState} state @param {string} name */
function select(state, name) {
  state.selected = name;
  drawCanvasPart(state);
  drawStepPart(state);
  const top = state.boxes.step.getBoundingClientRect().top;
  if (top > window.innerHeight || top < 0) state.boxes.step.scrollIntoView({ block: "start" });
}

/** @param {DesignerState} state @param {string} component @param {{x: number, y: number} | null} at */
function addStep(state, component, at) {
  const moved = Object.keys(state.draft.layout).length > 0;
  // Once someone placed a step, new ones go where there is room; before, the layout is automatic.
  const where = at || (moved ? freeSpot(positions(state.draft)) : null);
  let added = "";
  edit(state, (d) => {
    const result = model.addStep(d, component, where);
    added = result.name;
    return at && !moved ? fixAll(result.draft, result.name) : result.draft;
  }, `Added the step ${component}.`);
  if (added) select(state, added);
}

/** Every step keeps the place it is drawn at now (a move ends the automatic layout).
 * @param {Draft} draft @param {string} [except] */
function fixAll(draft, except) {
  const at = positions(draft);
  const next = structuredClone(draft);
  for (const [name, p] of Object.entries(at)) if (name !== except && !next.layout[name]) next.layout[name] = p;
  return next;
}

/** @param {DesignerState} state @param {string} name @param {{x: number, y: number}} to */
function moveTo(state, name, to) {
  edit(state, (d) => model.moveStep(fixAll(d), name, to));
}

/** @param {DesignerState} state @param {KeyboardEvent} event @param {string} name */
function stepKey(state, event, name) {
  const delta = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[event.key];
  if (delta) {
    event.preventDefault();
    const at = positions(state.draft)[name];
    moveTo(state, name, { x: at.x + delta[0] * KEY_STEP, y: at.y + delta[1] * KEY_STEP });
  } else if (event.key === "Delete") {
    event.preventDefault();
    state.selected = null;
    edit(state, (d) => model.removeStep(d, name), `Removed the step ${name}.`);
  }
}

/** @param {DesignerState} state @param {string} step @param {{name: string, type: string}} port @param {string} kind */
function activatePort(state, step, port, kind) {
  if (kind === "output") {
    const same = state.pending && state.pending.step === step && state.pending.port === port.name;
    state.pending = same ? null : { step, port: port.name, type: port.type };
    say(state, same ? "Connecting called off." : `Connecting from ${step}.${port.name}: now activate an input port.`);
    drawCanvasPart(state);
    return;
  }
  if (!state.pending) {
    say(state, `To connect ${step}.${port.name}, first activate the output port it should read.`, "error");
    return;
  }
  const out = state.pending;
  state.pending = null;
  if (!edit(state, (d) => model.connect(d, state.components, out, { step, port: port.name }),
    `Connected ${out.step}.${out.port} to ${step}.${port.name}.`)) drawCanvasPart(state);
}

/** @param {DesignerState} state @param {string} step @param {Array<string>} path @param {unknown} value */
function setSetting(state, step, path, value) {
  // The server's problem at this setting is stale once the setting changes.
  state.problems = state.problems.filter((p) => {
    const loc = (p.loc || [])[0] === "body" ? (p.loc || []).slice(1) : (p.loc || []);
    return !(loc[1] === step && loc[2] === "settings" && loc.slice(3).join(".") === path.join("."));
  });
  edit(state, (d) => model.setSetting(d, step, path, value), `Changed ${step}.${path.join(".")}.`);
}

// --- the page ------------------------------------------------------------------------------

/** @param {DesignerState} state */
function toolbar(state) {
  const b = state.boxes;
  b.save = h("button", { type: "button", onclick: () => save(state).catch((e) => showProblem(b.status.parentElement, e)) }, "Save");
  b.undo = h("button", { type: "button", class: "secondary", onclick: () => travel(state, "undo") }, "Undo");
  b.redo = h("button", { type: "button", class: "secondary", onclick: () => travel(state, "redo") }, "Redo");
  // Forgets where steps were put: the automatic layout again (one edit, so Undo puts them back).
  b.arrange = h("button", { type: "button", class: "secondary", title: "Lay the steps out automatically again",
    onclick: () => edit(state, (d) => (Object.keys(d.layout).length ? { ...d, layout: {} } : d), "Arranged the steps automatically.") }, "Arrange");
  b.problemCount = h("span", { class: "problem-count", role: "status" });
  b.unsaved = h("span", { class: "unsaved muted" });
  const saveFirst = async (/** @type {() => void} */ then) => {
    if (!dirty(state) || await save(state)) then();
  };
  const submit = h("button", { type: "button", class: "secondary", onclick: () => saveFirst(() => submitRunDialog({
    parameters: state.pipeline.parameters, intro: `Runs the saved draft of ${state.pipeline.name}.`, signal: state.signal,
    send: async (body) => (await api(`/pipelines/${seg(state.id)}/runs`, { method: "POST", json: body })).data,
    onStarted: (run) => { location.hash = `#/runs/${seg(run.id)}`; },
  })).catch((e) => showProblem(b.status.parentElement, e)) }, "Submit");
  const publish = h("button", { type: "button", class: "secondary", onclick: () => saveFirst(() => publishDialog(state.pipeline, state.signal)).catch((e) => showProblem(b.status.parentElement, e)) }, "Publish");
  return h("div", { class: "toolbar", role: "toolbar", "aria-label": "Draft" },
    b.save, b.undo, b.redo, b.arrange, b.problemCount, b.unsaved, h("span", { class: "toolbar-gap" }), submit, publish,
    link(`#/runs?pipeline_id=${seg(state.id)}`, "Runs of this pipeline", { class: "button-link secondary" }));
}

/** @param {DesignerState} state @param {KeyboardEvent} event */
function shortcuts(state, event) {
  const target = /** @type {HTMLElement} */ (event.target);
  if (target.closest("input, select, textarea, dialog")) return;
  const mod = event.ctrlKey || event.metaKey;
  if (mod && event.key.toLowerCase() === "z") {
    event.preventDefault();
    travel(state, event.shiftKey ? "redo" : "undo");
  } else if (mod && event.key.toLowerCase() === "y") {
    event.preventDefault();
    travel(state, "redo");
  } else if (event.key === "Escape" && state.pending) {
    state.pending = null;
    say(state, "Connecting called off.");
    drawCanvasPart(state);
  }
}

/** @param {HTMLElement} main @param {string} id @param {any} pipeline @param {Record<string, Component>} components @param {AbortSignal} signal */
export function renderDesigner(main, id, pipeline, components, signal) {
  const draft = model.draftOf(pipeline);
  /** @type {DesignerState} */
  const state = {
    id, pipeline, draft, saved: JSON.stringify(draft), past: [], future: [], components,
    selected: null, pending: null, problems: [], signal, boxes: {},
  };
  const b = state.boxes;
  b.status = h("div", { class: "save-status", role: "status" });
  b.otherProblems = h("div", {});
  b.palette = h("section", { class: "panel palette", "aria-labelledby": "palette-title" });
  b.canvas = h("section", { class: "panel canvas-panel", "aria-labelledby": "canvas-title" });
  b.step = h("section", { class: "panel step-panel", "aria-labelledby": "step-title" });
  b.params = h("section", { class: "panel params-panel", "aria-labelledby": "params-title" });
  replace(main, pageHeader(pipeline.name), h("p", { class: "lead" }, pipeline.description || ""),
    h("p", { class: "muted meta" }, `Draft ${id} · updated ${time(pipeline.updated_at)}`),
    toolbar(state), b.status, b.otherProblems,
    h("div", { class: "designer" }, b.palette, h("div", { class: "designer-main" }, b.canvas, b.params), b.step));
  drawPalette(b.palette, components, (component) => addStep(state, component, null));
  main.addEventListener("keydown", (event) => shortcuts(state, event), { signal });
  guardLeaving(() => dirty(state));
  draw(state);
}
