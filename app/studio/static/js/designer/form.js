// @ts-check
// The selected step's panel: its name, what it reads (Disconnect), and a form built from
// the component's settings schema: selects for enums, bounded numbers, checkboxes for
// booleans, column pickers where the upstream columns are known, a parameter binding
// shown as such. Each change is one edit of the draft (undoable); nothing is sent here.

import { plain } from "../components.js";
import { append, h, uid } from "../dom.js";
import { value as showValue } from "../format.js";
import { addParameterDialog, refName } from "../views/pipeline-settings.js";
import { firstSentence } from "./palette.js";
import { upstreamColumns } from "./model.js";

/** @typedef {import("./model.js").Draft} Draft */
/** @typedef {import("./model.js").Component} Component */
/**
 * @typedef {Object} FormContext
 * @property {Draft} draft
 * @property {string} step
 * @property {Record<string, Array<{path: Array<string | number>, msg: string}>>} problems
 * @property {(path: Array<string>, value: unknown) => void} set
 * @property {(spec: any, message: string) => Promise<void>} saveSpec takes a whole spec (parameter dialogs)
 */

const COLUMN = /(^|_)column$/;
const COLUMNS = /(^|_)columns$/;

/** A number input's value, or undefined when empty. @param {HTMLInputElement} input */
const numberOf = (input) => (input.value.trim() === "" ? undefined : Number(input.value));

/** @param {any} s @param {unknown} value @param {string} labelId @param {(v: unknown) => void} set */
function enumControl(s, value, labelId, set) {
  const select = h("select", { "aria-labelledby": labelId },
    h("option", { value: "" }, s.default !== undefined && s.default !== null ? `default (${showValue(s.default)})` : "not set"),
    s.enum.map((/** @type {any} */ v) => h("option", { value: String(v) }, String(v))));
  select.value = value === undefined || value === null ? "" : String(value);
  select.addEventListener("change", () => set(select.value === "" ? undefined : s.enum.find((/** @type {any} */ v) => String(v) === select.value)));
  return select;
}

/** @param {any} s @param {unknown} value @param {string} labelId @param {(v: unknown) => void} set */
function numberControl(s, value, labelId, set) {
  const input = /** @type {HTMLInputElement} */ (h("input", {
    type: "number", "aria-labelledby": labelId, step: s.type === "integer" ? "1" : "any", inputmode: "decimal",
    min: s.minimum ?? s.exclusiveMinimum, max: s.maximum ?? s.exclusiveMaximum,
    placeholder: s.default !== undefined && s.default !== null ? `default ${s.default}` : "",
  }));
  input.value = typeof value === "number" ? String(value) : "";
  input.addEventListener("change", () => set(numberOf(input)));
  return input;
}

/** A checkbox per known column (kept in the upstream order). @param {Array<string>} columns
 * @param {unknown} value @param {string} labelId @param {(v: unknown) => void} set */
function columnsPicker(columns, value, labelId, set) {
  const chosen = new Set(Array.isArray(value) ? value : []);
  const boxes = columns.map((c) => {
    const id = uid("col");
    const box = /** @type {HTMLInputElement} */ (h("input", { type: "checkbox", id, checked: chosen.has(c), dataset: { column: c } }));
    box.addEventListener("change", () => {
      const picked = boxes.map(([, b]) => b).filter((b) => b.checked).map((b) => b.dataset.column);
      set(picked.length ? picked : undefined);
    });
    return [h("label", { class: "column-pick", for: id }, box, c), box];
  });
  return h("div", { class: "column-picks", role: "group", "aria-labelledby": labelId }, boxes.map(([label]) => label));
}

/** @param {any} s @param {unknown} value @param {string} labelId @param {(v: unknown) => void} set @param {Array<string> | null} columns */
function textControl(s, value, labelId, set, columns) {
  if (columns && s.type === "string") {
    const select = h("select", { "aria-labelledby": labelId }, h("option", { value: "" }, "not set"),
      columns.map((c) => h("option", { value: c }, c)));
    select.value = typeof value === "string" && columns.includes(value) ? value : "";
    select.addEventListener("change", () => set(select.value || undefined));
    return select;
  }
  const list = s.type === "array";
  const json = !list && s.type !== "string";
  const shown = value === undefined || value === null ? "" : (list && Array.isArray(value) ? value.join(", ") : (json ? JSON.stringify(value) : String(value)));
  const input = /** @type {HTMLInputElement} */ (h("input", {
    type: "text", "aria-labelledby": labelId, autocomplete: "off", spellcheck: "false", value: shown,
    placeholder: list ? "values separated by commas" : (json ? "JSON" : (s.default !== undefined && s.default !== null ? `default ${showValue(s.default)}` : "")),
  }));
  input.addEventListener("change", () => {
    const text = input.value;
    if (text.trim() === "") set(undefined);
    else if (list) set(text.split(",").map((t) => t.trim()).filter((t, i, all) => t !== "" || all.length === 1));
    else if (json) {
      try {
        set(JSON.parse(text));
      } catch {
        set(text); // not JSON: the server's 422 says what it should be
      }
    } else set(text);
  });
  return input;
}

/** The right control for a setting's schema. @param {string} key @param {any} s @param {unknown} value
 * @param {string} labelId @param {FormContext} ctx @param {(v: unknown) => void} set */
function control(key, s, value, labelId, ctx, set) {
  if (Array.isArray(s.enum)) return enumControl(s, value, labelId, set);
  if (s.type === "integer" || s.type === "number") return numberControl(s, value, labelId, set);
  if (s.type === "boolean") {
    const box = /** @type {HTMLInputElement} */ (h("input", { type: "checkbox", "aria-labelledby": labelId, checked: value === undefined ? Boolean(s.default) : Boolean(value) }));
    box.addEventListener("change", () => set(box.checked));
    return box;
  }
  const columns = (COLUMN.test(key) || COLUMNS.test(key)) ? upstreamColumns(ctx.draft, ctx.step) : null;
  if (columns && s.type === "array") return columnsPicker(columns, value, labelId, set);
  return textControl(s, value, labelId, set, columns);
}

/** One setting: a group labelled by its name, its control (or its parameter binding), the
 * server's problem at it, and "Add to pipeline parameter". @param {Array<string>} path
 * @param {any} schema @param {unknown} value @param {FormContext} ctx @returns {HTMLElement} */
function settingGroup(path, schema, value, ctx) {
  const key = path[path.length - 1];
  const s = plain(schema);
  const labelId = uid("setting");
  const group = h("fieldset", { class: "setting" }, h("legend", { id: labelId }, key));
  const bound = refName(value);
  const problems = (ctx.problems[ctx.step] || []).filter((p) => p.path.slice(1).join(".") === path.join(".") && p.path[0] === "settings");
  if (bound) {
    const spec = ctx.draft.parameters[bound] || { type: "string" };
    group.classList.add("bound");
    group.append(h("p", { class: "value" }, "Pipeline parameter ", h("code", {}, bound),
      spec.default !== undefined && spec.default !== null ? ` (default ${showValue(spec.default)})` : " (required)"),
    h("button", { type: "button", class: "secondary small", onclick: () => ctx.set(path, undefined) }, `Unbind ${key}`));
  } else if (s.type === "object" && !s["x-hyperparameters-by-algorithm"]) {
    group.append(textControl(s, value, labelId, (v) => ctx.set(path, v), null));
  } else if (s.type === "object") {
    // Hyperparameters: each one of the chosen algorithm's is a setting of its own.
    const settings = ctx.draft.steps[ctx.step].settings || {};
    const inner = (s["x-hyperparameters-by-algorithm"] || {})[settings.algorithm];
    const props = inner ? inner.properties || {} : {};
    const own = value && typeof value === "object" ? value : {};
    const keys = [...new Set([...Object.keys(props), ...Object.keys(own)])];
    append(group, keys.length ? keys.map((k) => settingGroup([...path, k], props[k] || {}, own[k], ctx))
      : h("p", { class: "value muted" }, "Choose an algorithm to see its hyperparameters."));
    return group;
  } else {
    group.append(control(key, s, value, labelId, ctx, (v) => ctx.set(path, v)));
  }
  if (s.description) group.append(h("p", { class: "hint" }, s.description));
  append(group, problems.map((p) => h("p", { class: "field-error" }, p.msg)));
  if (problems.length) group.classList.add("invalid");
  if (!bound && !["array", "object"].includes(s.type)) {
    group.append(h("button", {
      type: "button", class: "secondary small",
      onclick: () => addParameterDialog(path, s, value, { pipeline: ctx.draft, stepName: ctx.step, save: ctx.saveSpec }),
    }, "Add to pipeline parameter"));
  }
  return group;
}

/**
 * The panel of the selected step.
 * @param {FormContext} ctx @param {Record<string, Component>} components
 * @param {{rename: (to: string) => void, disconnect: (port: string) => void, remove: () => void}} actions
 */
export function stepPanel(ctx, components, actions) {
  const step = ctx.draft.steps[ctx.step];
  /** @type {Component} */
  const component = components[step.component] || { name: step.component, inputs: [], outputs: [], settings: {} };
  const props = (component.settings && component.settings.properties) || {};
  const settings = step.settings || {};
  const nameInput = /** @type {HTMLInputElement} */ (h("input", { type: "text", id: uid("step-name"), value: ctx.step, autocomplete: "off", spellcheck: "false" }));
  nameInput.addEventListener("change", () => actions.rename(nameInput.value.trim()));
  const inputs = component.inputs.map((p) => {
    const ref = (step.inputs || {})[p.name];
    return h("li", {}, h("code", {}, p.name), ` (${p.type}) `, ref ? [`reads ${ref} `,
      h("button", { type: "button", class: "secondary small", onclick: () => actions.disconnect(p.name) }, `Disconnect ${ctx.step}.${p.name}`)]
      : h("span", { class: "muted" }, "not connected: activate an output port, then this input port"));
  });
  const keys = [...new Set([...Object.keys(props), ...Object.keys(settings)])];
  return [
    h("h2", { id: "step-title" }, `Step ${ctx.step}`),
    h("p", {}, h("code", {}, `${step.component} ${component.version || ""}`.trim()), " · ", firstSentence(component.description)),
    h("div", { class: "field" }, h("label", { for: nameInput.id }, "Step name"), nameInput),
    inputs.length ? [h("h3", {}, "Inputs"), h("ul", { class: "inputs-list" }, inputs)] : null,
    h("h3", {}, "Settings"),
    keys.length ? h("div", { class: "settings" }, keys.map((k) => settingGroup([k], props[k] || {}, settings[k], ctx)))
      : h("p", { class: "muted" }, "This component has no settings."),
    h("div", { class: "buttons remove-step" }, h("button", { type: "button", class: "danger", onclick: actions.remove }, "Remove step")),
  ];
}
