// @ts-check
// The designer's draft and the edits a person makes to it, as pure functions: each
// takes a draft and returns a new one (the old one stays as it was, for Undo), or
// throws EditRefused with a message to show. No DOM here.

/** @typedef {import("../types.js").StepSpec} StepSpec */
/** @typedef {import("../types.js").ParameterSpec} ParameterSpec */
/**
 * @typedef {Object} Draft what PUT /pipelines/{id} takes
 * @property {string} name
 * @property {string} [description]
 * @property {Record<string, ParameterSpec>} parameters
 * @property {Record<string, StepSpec>} steps
 * @property {Record<string, {x: number, y: number}>} layout only the steps someone moved
 */
/** @typedef {{name: string, type: string}} Port */
/** @typedef {{name: string, version?: string, description?: string, inputs: Array<Port>, outputs: Array<Port>, settings?: any}} Component */

export const STEP_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
/** The canvas's size limit: the API refuses coordinates above 100000. */
export const MAX_COORDINATE = 100_000;

export class EditRefused extends Error {}

/** The draft of a pipeline as the server answered it (nulls dropped: PUT refuses none of them,
 * but a clean draft compares equal to itself after a save).
 * @param {any} pipeline @returns {Draft} */
export function draftOf(pipeline) {
  const clean = (/** @type {Record<string, any>} */ obj) => /** @type {any} */ (Object.fromEntries(
    Object.entries(obj || {}).filter(([, v]) => v !== null && v !== undefined)));
  return {
    name: pipeline.name,
    ...(pipeline.description ? { description: pipeline.description } : {}),
    parameters: Object.fromEntries(Object.entries(pipeline.parameters || {}).map(([k, v]) => [k, clean(v)])),
    steps: Object.fromEntries(Object.entries(pipeline.steps || {}).map(([k, v]) => [k, clean(v)])),
    layout: { ...(pipeline.layout || {}) },
  };
}

/** The body of PUT /pipelines/{id}: an empty layout is sent as none. @param {Draft} draft */
export function bodyOf(draft) {
  const { layout, ...rest } = draft;
  return Object.keys(layout).length ? { ...rest, layout } : rest;
}

/** @param {Draft} draft @returns {Draft} */
const copy = (draft) => structuredClone(draft);

/** `base`, or `base_2`, `base_3`, ... whichever is free. @param {Draft} draft @param {string} base */
export function freeName(draft, base) {
  if (!draft.steps[base]) return base;
  let n = 2;
  while (draft.steps[`${base}_${n}`]) n += 1;
  return `${base}_${n}`;
}

/** A new step named after its component; placed at `at` when dropped there, else laid out.
 * @param {Draft} draft @param {string} component @param {{x: number, y: number} | null} at */
export function addStep(draft, component, at) {
  const next = copy(draft);
  const name = freeName(next, component);
  next.steps[name] = { component, settings: {}, inputs: {} };
  if (at) next.layout[name] = clamp(at);
  return { draft: next, name };
}

/** @param {{x: number, y: number}} at */
function clamp(at) {
  const c = (/** @type {number} */ v) => Math.round(Math.min(MAX_COORDINATE, Math.max(0, v)));
  return { x: c(at.x), y: c(at.y) };
}

/** @param {Draft} draft @param {string} name @param {{x: number, y: number}} at */
export function moveStep(draft, name, at) {
  const next = copy(draft);
  next.layout[name] = clamp(at);
  return next;
}

/** Renames a step and every input that reads from it. @param {Draft} draft @param {string} from @param {string} to */
export function renameStep(draft, from, to) {
  if (from === to) return draft;
  if (!STEP_NAME.test(to)) throw new EditRefused("A step name uses letters, digits, _ and -, starts with a letter or _, and has at most 64 characters.");
  if (draft.steps[to]) throw new EditRefused(`There is already a step named ${to}.`);
  const next = copy(draft);
  next.steps = Object.fromEntries(Object.entries(next.steps).map(([k, v]) => [k === from ? to : k, v]));
  for (const step of Object.values(next.steps)) {
    for (const [port, ref] of Object.entries(step.inputs || {})) {
      const [up, out] = String(ref).split(".");
      if (up === from) step.inputs[port] = `${to}.${out}`;
    }
  }
  if (next.layout[from]) {
    next.layout[to] = next.layout[from];
    delete next.layout[from];
  }
  return next;
}

/** Removes a step and the inputs that read from it. @param {Draft} draft @param {string} name */
export function removeStep(draft, name) {
  const next = copy(draft);
  delete next.steps[name];
  delete next.layout[name];
  for (const step of Object.values(next.steps)) {
    for (const [port, ref] of Object.entries(step.inputs || {})) {
      if (String(ref).split(".")[0] === name) delete step.inputs[port];
    }
  }
  return next;
}

/** The type of a step's port, or null. @param {Draft} draft @param {Record<string, Component>} components
 * @param {string} step @param {string} port @param {"inputs" | "outputs"} kind */
export function portType(draft, components, step, port, kind) {
  const component = draft.steps[step] && components[draft.steps[step].component];
  const found = component ? component[kind].find((p) => p.name === port) : null;
  return found ? found.type : null;
}

/** Would `from` (a step's output) reach back to `to`? (an edge that closes a cycle)
 * @param {Draft} draft @param {string} from @param {string} to */
function reaches(draft, from, to) {
  const seen = new Set();
  const stack = [from];
  while (stack.length) {
    const name = /** @type {string} */ (stack.pop());
    if (name === to) return true;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const ref of Object.values((draft.steps[name] || {}).inputs || {})) stack.push(String(ref).split(".")[0]);
  }
  return false;
}

/** Connects an output port to an input port, refusing a type mismatch or a cycle here,
 * before anything reaches the server. @param {Draft} draft @param {Record<string, Component>} components
 * @param {{step: string, port: string}} out @param {{step: string, port: string}} input */
export function connect(draft, components, out, input) {
  const from = portType(draft, components, out.step, out.port, "outputs");
  const to = portType(draft, components, input.step, input.port, "inputs");
  if (from !== to) {
    throw new EditRefused(`${out.step}.${out.port} is a ${from} and ${input.step}.${input.port} takes a ${to}: connect ports of the same type.`);
  }
  if (out.step === input.step || reaches(draft, out.step, input.step)) {
    throw new EditRefused(`${out.step}.${out.port} to ${input.step}.${input.port} would make a cycle: a step cannot read its own output.`);
  }
  const next = copy(draft);
  next.steps[input.step].inputs = { ...(next.steps[input.step].inputs || {}), [input.port]: `${out.step}.${out.port}` };
  return next;
}

/** @param {Draft} draft @param {string} step @param {string} port */
export function disconnect(draft, step, port) {
  const next = copy(draft);
  delete next.steps[step].inputs[port];
  return next;
}

/** Sets (or, with undefined, unsets) a setting at `path` of a step. @param {Draft} draft
 * @param {string} step @param {Array<string>} path @param {unknown} value */
export function setSetting(draft, step, path, value) {
  const next = copy(draft);
  const settings = next.steps[step].settings ||= {};
  let target = settings;
  for (const key of path.slice(0, -1)) {
    if (!target[key] || typeof target[key] !== "object" || Array.isArray(target[key])) target[key] = {};
    target = target[key];
  }
  const last = path[path.length - 1];
  if (value === undefined) delete target[last];
  else target[last] = value;
  return next;
}

/** The columns of the dataset a step's input `port` reads, where a step upstream names them
 * (import_data's column_names, select_columns' include list); null when unknown.
 * @param {Draft} draft @param {string} step @param {string} [port] @returns {Array<string> | null} */
export function upstreamColumns(draft, step, port) {
  const inputs = (draft.steps[step] || {}).inputs || {};
  const ref = port ? inputs[port] : (inputs.data || inputs.scored || Object.values(inputs)[0]);
  if (!ref) return null;
  return columnsOut(draft, String(ref).split(".")[0], new Set());
}

/** @param {Draft} draft @param {string} name @param {Set<string>} seen @returns {Array<string> | null} */
function columnsOut(draft, name, seen) {
  const step = draft.steps[name];
  if (!step || seen.has(name)) return null;
  seen.add(name);
  const s = step.settings || {};
  const list = (/** @type {unknown} */ v) => (Array.isArray(v) && v.every((c) => typeof c === "string") ? v : null);
  if (step.component === "import_data") return list(s.column_names);
  const above = columnsOut(draft, String(Object.values(step.inputs || {})[0] || "").split(".")[0], seen);
  if (step.component === "select_columns" && list(s.columns)) {
    if ((s.mode || "include") === "include") return list(s.columns);
    return above ? above.filter((c) => !s.columns.includes(c)) : null;
  }
  if (["train_model", "evaluate_model", "export_data"].includes(step.component)) return null;
  return above;
}

/** Where the server's problems point: {step: [{path, msg}]}, and the rest.
 * @param {Array<{loc?: Array<string | number>, msg: string}>} errors */
export function problemsByStep(errors) {
  /** @type {Record<string, Array<{path: Array<string | number>, msg: string}>>} */
  const steps = {};
  /** @type {Array<{loc: Array<string | number>, msg: string}>} */
  const rest = [];
  for (const e of errors) {
    const loc = (e.loc || [])[0] === "body" ? (e.loc || []).slice(1) : (e.loc || []);
    if ((loc[0] === "steps" || loc[0] === "layout") && loc.length > 1) (steps[String(loc[1])] ||= []).push({ path: loc.slice(2), msg: e.msg });
    else rest.push({ loc, msg: e.msg });
  }
  return { steps, rest };
}
