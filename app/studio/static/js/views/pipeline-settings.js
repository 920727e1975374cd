// @ts-check
// The dialogs of the designer's parameters: "Add to pipeline parameter" (a setting of the
// selected step becomes a parameter) and the pipeline parameters' panel (list, edit,
// remove). Each hands the changed spec to `save`, the designer's undoable edit.

import { ApiError } from "../api.js";
import { parameterTypeFor } from "../components.js";
import { h, replace } from "../dom.js";
import { breakable, value as showValue } from "../format.js";
import { dialog, empty, field, showFieldErrors, table } from "../ui.js";

const REF = /^\$\{\{\s*parameters\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$/;
/** The writable part of a pipeline (PUT refuses unknown fields), without nulls. */
export function specOf(pipeline) {
  const clean = (obj) => Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== null && v !== undefined));
  return {
    name: pipeline.name,
    ...(pipeline.description ? { description: pipeline.description } : {}),
    parameters: Object.fromEntries(Object.entries(pipeline.parameters || {}).map(([k, v]) => [k, clean(v)])),
    steps: Object.fromEntries(Object.entries(pipeline.steps || {}).map(([k, v]) => [k, clean(v)])),
  };
}

const TYPES = ["string", "integer", "number", "boolean", "data_path", "enum"];

export const refName = (v) => (typeof v === "string" && REF.test(v) ? v.match(REF)[1] : null);

/** [[stepName, path[], parameterName]] of every setting bound to a parameter. */
export function references(steps) {
  const found = [];
  const walk = (step, value, path) => {
    const name = refName(value);
    if (name) found.push([step, path, name]);
    else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) walk(step, v, [...path, k]);
    }
  };
  for (const [name, step] of Object.entries(steps || {})) walk(name, step.settings || {}, []);
  return found;
}

function setAt(obj, path, value) {
  let target = obj;
  for (const key of path.slice(0, -1)) {
    if (!target[key] || typeof target[key] !== "object") target[key] = {};
    target = target[key];
  }
  target[path[path.length - 1]] = value;
}

function parseDefault(type, text) {
  if (text === "") return undefined;
  if (type === "integer") return /^-?\d+$/.test(text.trim()) ? Number(text) : text;
  if (type === "number") return text.trim() !== "" && Number.isFinite(Number(text)) ? Number(text) : text;
  if (type === "boolean") return text === "true" ? true : (text === "false" ? false : text);
  if (type === "enum") {
    const n = Number(text);
    return text.trim() !== "" && Number.isFinite(n) ? n : text;
  }
  return text;
}

function paramLocToField(name) {
  return (loc) => {
    const parts = loc[0] === "body" ? loc.slice(1) : loc;
    if (parts[0] !== "parameters") return null;
    if (parts.length === 2 || parts[1] !== name) return "name";
    const key = parts[2];
    if (key === "default") return "default";
    if (["type", "minimum", "maximum", "choices", "description"].includes(key)) return key;
    return "default";
  };
}

// --- Add to pipeline parameter (a setting of the designer's selected step) ---------------

export function addParameterDialog(path, schema, value, ctx) {
  const { pipeline, stepName, save } = ctx;
  const type = parameterTypeFor(schema);
  let suggestion = type === "data_path" ? "data_path" : path[path.length - 1].replace(/[^A-Za-z0-9_]/g, "_");
  while (pipeline.parameters[suggestion]) suggestion += "_2";
  const current = value !== undefined ? value : schema.default;
  const nameInput = h("input", { type: "text", value: suggestion, autocomplete: "off", spellcheck: "false" });
  const typeSelect = h("select", {}, TYPES.map((t) => h("option", { value: t }, t)));
  typeSelect.value = type;
  const defaultInput = h("input", {
    type: "text", value: current === undefined || current === null ? "" : showValue(current), autocomplete: "off", spellcheck: "false",
  });
  const description = h("input", { type: "text", autocomplete: "off", placeholder: "optional" });
  const saveButton = h("button", { type: "submit" }, "Save");
  const form = h("form", { class: "form", novalidate: true },
    h("p", { class: "muted" }, `The setting ${stepName}.${path.join(".")} takes the parameter's value: `,
      h("code", {}, "${{parameters.NAME}}"), ". Runs can then set it, and a published version's Submit form asks for it."),
    h("div", { class: "form-problem" }),
    field("Parameter name", nameInput, { name: "name", hint: "Letters, digits and _, starting with a letter." }),
    field("Type", typeSelect, { name: "type" }),
    field("Default value", defaultInput, { name: "default", hint: "Empty: the parameter is required when a run is submitted." }),
    field("Description", description, { name: "description" }),
    h("div", { class: "buttons" }, saveButton));
  const dlg = dialog("Add to pipeline parameter", form);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const name = nameInput.value.trim();
    const chosen = typeSelect.value;
    if (pipeline.parameters[name]) {
      showFieldErrors(form, new ApiError(422, { title: "Invalid input", errors: [{
        loc: ["body", "parameters", name], msg: `${name} is already a parameter of this pipeline: choose another name, or edit it under Pipeline parameters.` }] }),
      paramLocToField(name));
      return;
    }
    const spec = specOf(pipeline);
    const param = { type: chosen };
    const def = parseDefault(chosen, defaultInput.value);
    if (def !== undefined) param.default = def;
    if (description.value.trim()) param.description = description.value.trim();
    if ((chosen === "integer" || chosen === "number")) {
      if (typeof schema.minimum === "number") param.minimum = schema.minimum;
      if (typeof schema.maximum === "number") param.maximum = schema.maximum;
    }
    if (chosen === "enum" && Array.isArray(schema.enum)) param.choices = schema.enum;
    spec.parameters[name] = param;
    spec.steps[stepName].settings = structuredClone(spec.steps[stepName].settings || {});
    setAt(spec.steps[stepName].settings, path, `\${{parameters.${name}}}`);
    saveButton.disabled = true;
    try {
      await save(spec, `Saved: ${stepName}.${path.join(".")} is now the pipeline parameter ${name}.`);
      dlg.close();
    } catch (error) {
      showFieldErrors(form, error, paramLocToField(name));
    } finally {
      saveButton.disabled = false;
    }
  });
}

// --- pipeline parameters --------------------------------------------------------------

export function parametersPanel(box, state, save) {
  const { pipeline } = state;
  const params = Object.entries(pipeline.parameters || {});
  const refs = references(pipeline.steps);
  const rows = params.map(([name, spec]) => {
    const users = refs.filter(([, , p]) => p === name).map(([s, path]) => `${s}.${path.join(".")}`);
    const detail = [];
    if (spec.minimum !== null && spec.minimum !== undefined) detail.push(`min ${spec.minimum}`);
    if (spec.maximum !== null && spec.maximum !== undefined) detail.push(`max ${spec.maximum}`);
    if (spec.choices) detail.push(`choices ${spec.choices.join(", ")}`);
    if (spec.description) detail.push(spec.description);
    return h("tr", {},
      h("th", { scope: "row" }, h("code", {}, name)),
      h("td", {}, spec.type),
      h("td", { class: "wrap" }, spec.default !== undefined && spec.default !== null ? breakable(spec.default) : h("em", {}, "required")),
      h("td", { class: "wrap" }, [detail.join(" · ") || "–", users.length ? h("div", { class: "muted" }, `used by ${users.join(", ")}`) : null]),
      h("td", { class: "actions" },
        h("button", { type: "button", class: "secondary small", "aria-label": `Edit ${name}`, onclick: () => editParameterDialog(name, state, save) }, "Edit"),
        h("button", { type: "button", class: "danger small", "aria-label": `Remove ${name}`, onclick: () => removeParameterDialog(name, state, save) }, "Remove")));
  });
  replace(box, h("h2", { id: "params-title" }, "Pipeline parameters"),
    rows.length ? table("Pipeline parameters", ["Name", "Type", "Default", "Details", h("span", { class: "visually-hidden" }, "Actions")], rows)
      : empty("No parameters yet: select a step and use Add to pipeline parameter on one of its settings."));
}

function editParameterDialog(name, state, save) {
  const spec = state.pipeline.parameters[name];
  const typeSelect = h("select", {}, TYPES.map((t) => h("option", { value: t }, t)));
  typeSelect.value = spec.type;
  const def = h("input", { type: "text", value: spec.default === undefined || spec.default === null ? "" : showValue(spec.default), autocomplete: "off" });
  const min = h("input", { type: "text", inputmode: "decimal", value: spec.minimum ?? "", autocomplete: "off" });
  const max = h("input", { type: "text", inputmode: "decimal", value: spec.maximum ?? "", autocomplete: "off" });
  const choices = h("input", { type: "text", value: (spec.choices || []).join(", "), autocomplete: "off" });
  const description = h("input", { type: "text", value: spec.description || "", autocomplete: "off" });
  const saveButton = h("button", { type: "submit" }, "Save");
  const form = h("form", { class: "form", novalidate: true },
    h("div", { class: "form-problem" }),
    field("Type", typeSelect, { name: "type" }),
    field("Default value", def, { name: "default", hint: "Empty: required when a run is submitted." }),
    field("Minimum", min, { name: "minimum", hint: "integer and number only" }),
    field("Maximum", max, { name: "maximum", hint: "integer and number only" }),
    field("Choices", choices, { name: "choices", hint: "enum only, separated by commas" }),
    field("Description", description, { name: "description" }),
    h("div", { class: "buttons" }, saveButton));
  const dlg = dialog(`Edit parameter ${name}`, form);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const next = specOf(state.pipeline);
    const type = typeSelect.value;
    const param = { type };
    const d = parseDefault(type, def.value);
    if (d !== undefined) param.default = d;
    const num = (input) => (input.value.trim() === "" ? undefined : (Number.isFinite(Number(input.value)) ? Number(input.value) : input.value));
    if (num(min) !== undefined) param.minimum = num(min);
    if (num(max) !== undefined) param.maximum = num(max);
    if (choices.value.trim()) param.choices = choices.value.split(",").map((c) => parseDefault("enum", c.trim()));
    if (description.value.trim()) param.description = description.value.trim();
    next.parameters[name] = param;
    saveButton.disabled = true;
    try {
      await save(next, `Saved the parameter ${name}.`);
      dlg.close();
    } catch (error) {
      showFieldErrors(form, error, paramLocToField(name));
    } finally {
      saveButton.disabled = false;
    }
  });
}

function removeParameterDialog(name, state, save) {
  const spec = state.pipeline.parameters[name];
  const users = references(state.pipeline.steps).filter(([, , p]) => p === name);
  const hasDefault = spec.default !== undefined && spec.default !== null;
  const removeButton = h("button", { type: "submit", class: "danger" }, "Remove");
  const form = h("form", { class: "form", novalidate: true },
    h("div", { class: "form-problem" }),
    h("p", {}, users.length
      ? (hasDefault ? `The settings that use it (${users.map(([s, p]) => `${s}.${p.join(".")}`).join(", ")}) get its default value back: ${showValue(spec.default)}.`
        : `It has no default, so the settings that use it (${users.map(([s, p]) => `${s}.${p.join(".")}`).join(", ")}) cannot take its value back: give it a default first.`)
      : "No setting uses it."),
    h("div", { class: "buttons" }, removeButton));
  if (users.length && !hasDefault) removeButton.disabled = true;
  const dlg = dialog(`Remove parameter ${name}`, form);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const next = specOf(state.pipeline);
    delete next.parameters[name];
    for (const [stepName, path] of users) {
      next.steps[stepName].settings = structuredClone(next.steps[stepName].settings);
      setAt(next.steps[stepName].settings, path, spec.default);
    }
    try {
      await save(next, `Removed the parameter ${name}.`);
      dlg.close();
    } catch (error) {
      showFieldErrors(form, error, () => null);
    }
  });
}
