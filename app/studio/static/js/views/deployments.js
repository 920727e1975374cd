// @ts-check
// Deployments (model versions served for predictions): the list with "New deployment", and a deployment's
// page: the version serving, follow and gate, enable or disable, pin a version or roll
// back, "Try a prediction" (a form built from the model's input schema) and the history.
// A service without the deployments API answers 404, which reads as "not available here".
// A deployment's page keeps what it shows in one state object (DeploymentState); each part
// is rendered by a function of it. The gate's metrics come from the API's spec (types.js).
// Its History and Monitoring tabs (monitoring.js) are part of the address (#/deployments/NAME/monitoring).

import { api, ApiError, get, getAll, seg } from "../api.js";
import { announce, h, replace, uid } from "../dom.js";
import { breakable, gateScore, number, time, versionChange } from "../format.js";
import { GATE_METRICS } from "../types.js";
import {
  badge, clearFieldErrors, details, dialog, empty, field, link, moreButton, pageHeader, showFieldErrors,
  showProblem, table, tabs,
} from "../ui.js";
import { monitoringPanel } from "./monitoring.js";

/** @typedef {import("../types.js").DeploymentOut} DeploymentOut */
/** @typedef {import("../types.js").HistoryEntry} HistoryEntry */
/** @typedef {import("../types.js").ModelVersionOut} ModelVersionOut */

const NUMERIC = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

export async function render(main, [name, tab], ctx) {
  if (name) return renderDeployment(main, name, ctx, tab === "monitoring" ? "monitoring" : "history");
  const create = h("button", { type: "button", onclick: () => newDeploymentDialog({ signal: ctx.signal }) }, "New deployment");
  replace(main, pageHeader("Deployments", create),
    h("p", { class: "lead" }, "Deployments serve a registered model for predictions (POST /deployments/{name}/predict): "
      + "pinned to a version, or following the model so that a retrained version that passes the gate goes live."));
  let page;
  try {
    page = await get("/deployments?limit=500", { signal: ctx.signal });
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      create.remove();
      main.append(empty("Deployments are not available on this server yet: models are listed under Models."));
      return;
    }
    throw error;
  }
  const items = page.items || [];
  main.append(items.length
    ? table("Deployments", ["Name", "Model", "Version serving", "Follows", "State", "Updated"], items.map((d) => h("tr", {},
      h("td", {}, link(`#/deployments/${seg(d.name)}`, d.name)),
      h("td", {}, d.model ? link(`#/models/${seg(d.model)}`, d.model) : "–"),
      h("td", { class: "num" }, d.model && d.version
        ? link(`#/models/${seg(d.model)}/versions/${d.version}`, `version ${d.version}`) : "–"),
      h("td", {}, d.follow ? "yes, through the gate" : "no (pinned)"),
      h("td", {}, badge(d.enabled === false ? "disabled" : "enabled")),
      h("td", { class: "time" }, time(d.updated_at || d.created_at)))))
    : empty("No deployments yet: create one with New deployment, or with Deploy on a model version's page."));
}

// --- forms --------------------------------------------------------------------------

/** A number input read for the server: "" -> undefined, text the browser cannot read as a
 * number -> sent as a string so that the server's 422 names the field. */
function readNumber(control, empty = undefined) {
  if (control.value === "") return control.validity.badInput ? "not a number" : empty;
  const value = Number(control.value);
  return Number.isFinite(value) ? value : control.value;
}

/** ["body", "gate", "metric"] -> the deepest field of `form` named "gate.metric", "gate", ... */
function fieldOf(form) {
  return (loc) => {
    const parts = loc[0] === "body" ? loc.slice(1) : loc;
    for (let k = parts.length; k > 0; k -= 1) {
      const name = parts.slice(0, k).join(".");
      if (form.querySelector(`.field[data-field="${CSS.escape(name)}"]`)) return name;
    }
    return null;
  };
}

/** The gate's fields (metric, min delta, holdout); read() gives the gate to send. */
function gateFields(gate) {
  const metric = h("select", {},
    h("option", { value: "" }, "Default for the model's task"),
    GATE_METRICS.map((m) => h("option", { value: m }, m)));
  metric.value = (gate && gate.metric) || "";
  const minDelta = h("input", {
    type: "number", step: "any", inputmode: "decimal", min: "-1", max: "1",
    value: gate && typeof gate.min_delta === "number" ? String(gate.min_delta) : "0",
  });
  const holdout = h("input", {
    type: "text", autocomplete: "off", spellcheck: "false", placeholder: "datastore://default/holdout.csv",
    value: (gate && gate.holdout) || "",
  });
  const elements = [
    field("Gate metric", metric, { name: "gate.metric",
      hint: "Higher is better. Default: roc_auc for binary classification, accuracy for multiclass, r2 for regression." }),
    field("Minimum improvement", minDelta, { name: "gate.min_delta",
      hint: "The challenger serves if its metric ≥ the champion's + this (−1 to 1; negative tolerates a small loss)." }),
    field("Holdout", holdout, { name: "gate.holdout",
      hint: "A datastore:// CSV or Parquet file with the features and the label. Empty: the challenger run's test split." }),
  ];
  return {
    elements,
    read() {
      const out = {};
      if (metric.value) out.metric = metric.value;
      const delta = readNumber(minDelta);
      if (delta !== undefined) out.min_delta = delta;
      if (holdout.value.trim()) out.holdout = holdout.value.trim();
      return out;
    },
  };
}

function checkbox(label, input, options) {
  const wrapper = field(label, input, options);
  wrapper.classList.add("checkbox");
  return wrapper;
}

/** The "New deployment" dialog; `model`/`version` prefill it (Deploy on a model version).
 * @param {{model?: string, version?: number | null, signal?: AbortSignal}} [options] */
export function newDeploymentDialog({ model = "", version = null, signal } = {}) {
  const name = h("input", { type: "text", autocomplete: "off", spellcheck: "false", value: model });
  const modelInput = h("input", { type: "text", autocomplete: "off", spellcheck: "false", value: model, list: "deploy-models" });
  const models = h("datalist", { id: "deploy-models" });
  const versionInput = h("input", { type: "number", inputmode: "numeric", step: "1", min: "1", value: version ? String(version) : "" });
  const follow = h("input", { type: "checkbox" });
  const gate = gateFields(null);
  const gateBox = h("fieldset", { class: "gate", disabled: true, hidden: true },
    h("legend", {}, "Gate"), gate.elements);
  const create = h("button", { type: "submit" }, "Create");
  const form = h("form", { class: "form", novalidate: true },
    h("p", { class: "muted" }, "A deployment serves one version of a registered model. Pinned, it serves that version until you change it; "
      + "following, each new version the model registers is scored against the one serving, on the same rows, and serves only if it is better."),
    h("div", { class: "form-problem" }),
    field("Name", name, { name: "name", hint: "The prediction route's name (letters, digits, . _ -)." }),
    field("Model", modelInput, { name: "model", hint: "A registered model's name." }),
    models,
    field("Version", versionInput, { name: "version", hint: "The version to serve. Following: the first version to serve (empty: the latest)." }),
    checkbox("Follow new versions of the model", follow, { name: "follow" }),
    gateBox,
    h("div", { class: "buttons" }, create));
  const showGate = () => {
    gateBox.hidden = !follow.checked;
    gateBox.disabled = !follow.checked;
  };
  follow.addEventListener("change", showGate);
  const dlg = dialog("New deployment", form);
  getAll("/models", { signal }).then((items) => {
    models.replaceChildren(...items.map((m) => h("option", { value: m.name })));
  }).catch(() => {});

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    const body = { name: name.value.trim(), model: modelInput.value.trim() };
    const number_ = readNumber(versionInput);
    if (number_ !== undefined) body.version = number_;
    if (follow.checked) {
      body.follow = true;
      body.gate = gate.read();
    }
    create.disabled = true;
    try {
      const { data } = await api("/deployments", { method: "POST", json: body });
      dlg.close();
      announce(`Deployment ${data.name} created`);
      location.hash = `#/deployments/${seg(data.name)}`;
    } catch (error) {
      showFieldErrors(form, error, fieldOf(form));
    } finally {
      create.disabled = false;
    }
  });
  return dlg;
}

// --- a deployment's page ---------------------------------------------------------------

function gateText(d) {
  if (!d.follow) return "none: pinned, new versions of the model do not serve until you choose them";
  const g = d.gate || {};
  return `${g.metric || "the default metric for the task"} ≥ the champion's + ${number(g.min_delta ?? 0)}, `
    + `on ${g.holdout ? g.holdout : "the challenger run's test split"}`;
}

function historyRow(e) {
  return h("tr", {},
    h("td", { class: "time" }, time(e.at)),
    h("td", {}, badge(e.reason)),
    h("td", { class: "num" }, versionChange(e.from_version, e.to_version)),
    h("td", { class: "wrap" }, gateScore(e.metrics)),
    h("td", { class: "wrap" }, e.message || ""),
    h("td", {}, e.run_id ? link(`#/runs/${seg(e.run_id)}`, e.run_id, { class: "mono" }) : "–"));
}

/** The categories the serving version saw in training, per column, most frequent first:
 * the reference profile keeps a column's top categories by name (the rest are "other").
 * @param {DeploymentState} state @returns {Record<string, Array<string>>} */
function knownCategories({ d, versions }) {
  const serving = versions.find((v) => v.version === d.version);
  const columns = (serving && serving.reference_profile && serving.reference_profile.columns) || {};
  /** @type {Record<string, Array<string>>} */
  const known = {};
  for (const [name, column] of Object.entries(columns)) {
    if (column && column.kind === "category" && column.values) known[name] = Object.keys(column.values);
  }
  return known;
}

/** A text field offering the categories seen in training (a datalist: a category the model
 * never saw can still be typed, and scores). @param {Array<string>} choices */
function categoryControl(choices) {
  const listId = uid("categories");
  const control = h("input", { type: "text", autocomplete: "off", spellcheck: "false", list: choices.length ? listId : null });
  return { control, list: choices.length ? h("datalist", { id: listId }, choices.map((c) => h("option", { value: c }))) : null };
}

/** "Try a prediction": one field per input column (a categorical one offers the categories
 * seen in training); the answer with the model version that gave it and the class
 * probabilities; a 422 next to the column its loc names; a row of empty fields is refused
 * at the form. @param {() => DeploymentOut} getDeployment @param {Record<string, Array<string>>} categories */
function predictForm(getDeployment, categories) {
  const d = getDeployment();
  const readers = [];
  const fields = d.input_schema.map((column) => {
    const choices = categories[column.name] || [];
    let control;
    let read;
    let hint;
    let list = null;
    if (column.kind === "number") {
      control = h("input", { type: "number", step: "any", inputmode: "decimal" });
      read = () => readNumber(control, null);
      hint = "A number; empty: a missing value.";
    } else {
      const made = categoryControl(choices);
      control = made.control;
      list = made.list;
      const seen = choices.length ? ` Offers the ${choices.length} most frequent in training; another still scores.` : "";
      if (column.kind === "category") {
        read = () => (control.value === "" ? null : control.value);
        hint = `A category (text); empty: a missing value.${seen}`;
      } else {
        // A model registered before kinds were recorded: what reads as a number is sent as one.
        read = () => (control.value === "" ? null : (NUMERIC.test(control.value.trim()) ? Number(control.value) : control.value));
        hint = `A number or a text; empty: a missing value.${seen}`;
      }
    }
    readers.push([column.name, read]);
    return [field(column.name, control, { name: `column:${column.name}`, hint }), list];
  });
  const submit = h("button", { type: "submit" }, "Predict");
  const result = h("div", { class: "prediction-result" });
  const form = h("form", { class: "form", novalidate: true },
    h("div", { class: "form-problem" }),
    fields.length ? h("div", { class: "predict-fields" }, fields) : h("p", { class: "muted" }, "The model records no input columns."),
    h("div", { class: "buttons" }, submit));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    const row = {};
    for (const [name, read] of readers) row[name] = read();
    if (readers.length && Object.values(row).every((v) => v === null)) {
      // Every value missing predicts nothing a person wants: ask for at least one.
      showFieldErrors(form, new ApiError(422, { title: "Every field is empty", detail: "fill in at least one column." }), () => null);
      return;
    }
    submit.disabled = true;
    try {
      const { data } = await api(`/deployments/${seg(getDeployment().name)}/predict`, { method: "POST", json: { rows: [row] } });
      showAnswer(result, data);
      announce(`Prediction: ${data.predictions[0]}`);
    } catch (error) {
      replace(result);
      showFieldErrors(form, error, (loc) => {
        const parts = loc[0] === "body" ? loc.slice(1) : loc;
        return parts[0] === "rows" && parts.length >= 3 ? `column:${parts[2]}` : null;
      });
    } finally {
      submit.disabled = false;
    }
  });
  return h("div", {}, form, result);
}

function showAnswer(box, data) {
  const prediction = data.predictions[0];
  const probabilities = data.probabilities ? data.probabilities[0] : null;
  replace(box, h("section", { class: "answer", "aria-labelledby": "prediction-title" },
    h("h3", { id: "prediction-title" }, "Answer"),
    details([
      ["Prediction", h("strong", { class: "predicted" }, prediction === null ? "null" : String(prediction))],
      ["Answered by", link(`#/models/${seg(data.model.name)}/versions/${data.model.version}`,
        `${data.model.name} version ${data.model.version}`)],
    ]),
    probabilities && data.classes ? table("Class probabilities", ["Class", "Probability"],
      data.classes.map((c, i) => h("tr", {},
        h("th", { scope: "row" }, String(c)),
        h("td", { class: "num" }, number(probabilities[i]), " ",
          h("meter", { min: "0", max: "1", value: String(probabilities[i]), "aria-label": `Probability of ${c}` })))),
      { hideCaption: false }) : null));
}

// --- a deployment's page: a state object, render functions by part, and a controller ---

/**
 * What a deployment's page shows; the render functions read it, the controller changes it.
 * @typedef {Object} DeploymentState
 * @property {DeploymentOut} d the deployment as the server last answered
 * @property {Array<ModelVersionOut>} versions the model's versions, newest first
 * @property {string | null} schemaShown the input schema (and known categories) the prediction form was built for
 * @property {AbortSignal} signal
 */

/** The model's versions, newest first, for "Version to serve" (read again after each
 * change: a retrain may have registered one since). @param {DeploymentState} state */
async function loadVersions(state) {
  const versions = await getAll(`/models/${seg(state.d.model)}/versions`, { signal: state.signal }).catch(() => []);
  return versions.sort((a, b) => b.version - a.version);
}

/** @param {DeploymentOut} d */
function servingPart(d) {
  return details([
    ["Model", link(`#/models/${seg(d.model)}`, d.model)],
    ["Serving", link(`#/models/${seg(d.model)}/versions/${d.version}`, `${d.model} version ${d.version}`)],
    ["Follows its model", d.follow ? "yes, through the gate" : "no (pinned)"],
    ["Gate", gateText(d)],
    ["State", badge(d.enabled ? "enabled" : "disabled")],
    ["Task", d.task || "–"],
    ["Label column", d.label_column || "–"],
    d.classes ? ["Classes", d.classes.map(String).join(", ")] : null,
    ["Prediction route", h("code", { class: "wrap-anywhere" }, breakable(`POST ${d.predict_url}`))],
    ["Created", time(d.created_at)],
    ["Updated", time(d.updated_at)],
  ]);
}

/** @param {DeploymentState} state */
function versionOptions({ d, versions }) {
  return (versions.length ? versions : [{ version: d.version, created_at: null }]).map((v) => h("option", { value: String(v.version) },
    `Version ${v.version}${v.version === d.version ? " (serving)" : ""}${v.created_at ? ` · ${time(v.created_at)}` : ""}`));
}

/** @param {DeploymentState} state @param {HTMLElement} box */
async function historyPart(state, box) {
  /** @type {Array<HistoryEntry>} */
  const entries = [];
  /** @type {string | null} */
  let cursor = null;
  const more = async () => {
    const page = await get(`/deployments/${seg(state.d.name)}/history?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      { signal: state.signal });
    cursor = page.next_cursor;
    entries.push(...page.items);
    replace(box, entries.length
      ? table(`History of ${state.d.name}`, ["Time", "Reason", "Version", "Gate score", "Message", "Run"], entries.map(historyRow))
      : empty("No changes yet."),
    cursor ? moreButton(() => more().catch((e) => showProblem(box, e))) : null);
  };
  await more();
}

/** "Version to serve": pin a version (an older one is a rollback). */
function versionFormPart() {
  const select = /** @type {HTMLSelectElement} */ (h("select", {}));
  const serve = /** @type {HTMLButtonElement} */ (h("button", { type: "submit" }, "Serve this version"));
  const form = h("form", { class: "form", novalidate: true },
    h("div", { class: "form-problem" }),
    field("Version to serve", select, { name: "version",
      hint: "Serves the chosen version now. An older version than the one serving is recorded as a rollback." }),
    h("div", { class: "buttons" }, serve));
  return { form, select, serve };
}

/** "Follow and gate". @param {DeploymentOut} d */
function followFormPart(d) {
  const follow = /** @type {HTMLInputElement} */ (h("input", { type: "checkbox" }));
  const gate = gateFields(d.gate);
  const gateBox = /** @type {HTMLFieldSetElement} */ (h("fieldset", { class: "gate" }, h("legend", {}, "Gate"), gate.elements));
  const save = /** @type {HTMLButtonElement} */ (h("button", { type: "submit", class: "secondary" }, "Save follow and gate"));
  const form = h("form", { class: "form", novalidate: true },
    h("div", { class: "form-problem" }),
    checkbox("Follow new versions of the model", follow, { name: "follow" }),
    gateBox,
    h("div", { class: "buttons" }, save));
  follow.addEventListener("change", () => {
    gateBox.disabled = !follow.checked;
  });
  return { form, follow, gate, gateBox, save };
}

/** The page's elements. @param {DeploymentOut} d */
function deploymentLayout(d) {
  const view = {
    toggle: /** @type {HTMLButtonElement} */ (h("button", { type: "button", class: "secondary" })),
    remove: h("button", { type: "button", class: "danger" }, "Delete deployment"),
    disabledNote: h("p", { class: "notice warning", hidden: true },
      "This deployment is disabled: it refuses predictions (409) and does not follow its model until it is enabled again."),
    serving: h("div", {}),
    history: h("div", {}, h("p", { class: "muted" }, "Loading the history…")),
    predict: h("div", {}),
    version: versionFormPart(),
    following: followFormPart(d),
    tabs: h("div", {}),
    historySection: h("section", { class: "panel", "aria-labelledby": "deployment-history-title" },
      h("h2", { id: "deployment-history-title" }, "History"),
      h("p", { class: "muted" }, "Every change of the version serving and every new version the gate held, newest first.")),
  };
  view.historySection.append(view.history);
  const page = [
    pageHeader(d.name, view.toggle, view.remove),
    h("p", { class: "lead" }, link("#/deployments", "All deployments")),
    view.disabledNote,
    h("div", { class: "run-extra" },
      h("section", { class: "panel", "aria-labelledby": "deployment-serving-title" },
        h("h2", { id: "deployment-serving-title" }, "Serving"), view.serving),
      h("section", { class: "panel", "aria-labelledby": "deployment-change-title" },
        h("h2", { id: "deployment-change-title" }, "Version and gate"), view.version.form,
        h("h3", {}, "Follow and gate"), view.following.form)),
    h("section", { class: "panel", "aria-labelledby": "deployment-predict-title" },
      h("h2", { id: "deployment-predict-title" }, "Try a prediction"),
      h("p", { class: "muted" }, "Scores one row with the version serving now, as POST ", h("code", {}, breakable(d.predict_url)), " does."),
      view.predict),
    view.tabs,
  ];
  return { view, page };
}

/** @typedef {ReturnType<typeof deploymentLayout>["view"]} DeploymentLayout */
/** @typedef {{state: DeploymentState, view: DeploymentLayout, main: HTMLElement}} DeploymentPage */

/** Renders every part from the state. @param {DeploymentPage} p */
function show({ state, view }) {
  const { d } = state;
  view.toggle.textContent = d.enabled ? "Disable deployment" : "Enable deployment";
  view.disabledNote.hidden = d.enabled;
  replace(view.serving, servingPart(d));
  replace(view.version.select, versionOptions(state));
  view.version.select.value = String(d.version);
  view.following.follow.checked = d.follow;
  view.following.gateBox.disabled = !d.follow;
  // The form keeps what a person typed unless the columns or their categories changed (another version).
  const categories = knownCategories(state);
  const schema = JSON.stringify([d.input_schema, categories]);
  if (schema !== state.schemaShown) {
    state.schemaShown = schema;
    replace(view.predict, predictForm(() => state.d, categories));
  }
}

/** PATCHes the deployment, then shows it, its versions and its history again; a 422 goes
 * next to the form's fields. @param {DeploymentPage} p @param {HTMLElement} form
 * @param {Record<string, unknown>} body @param {(d: DeploymentOut) => string} said */
async function change(p, form, body, said) {
  const { state } = p;
  clearFieldErrors(form);
  try {
    state.d = (await api(`/deployments/${seg(state.d.name)}`, { method: "PATCH", json: body })).data;
    state.versions = await loadVersions(state);
    show(p);
    announce(said(state.d));
    await historyPart(state, p.view.history);
    return true;
  } catch (error) {
    showFieldErrors(form, error, fieldOf(form));
    return false;
  }
}

/** "Serve this version" and "Save follow and gate". @param {DeploymentPage} p */
function wireForms(p) {
  const { version, following } = p.view;
  version.form.addEventListener("submit", async (event) => {
    event.preventDefault();
    version.serve.disabled = true;
    await change(p, version.form, { version: Number(version.select.value) }, (x) => `Serving version ${x.version}`);
    version.serve.disabled = false;
  });
  following.form.addEventListener("submit", async (event) => {
    event.preventDefault();
    following.save.disabled = true;
    /** @type {Record<string, unknown>} */
    const body = { follow: following.follow.checked };
    if (following.follow.checked) body.gate = following.gate.read();
    const saved = await change(p, following.form, body, (x) => (x.follow ? "Following the model through the gate" : "Pinned"));
    if (saved) {
      following.gate = gateFields(p.state.d.gate);
      replace(following.gateBox, h("legend", {}, "Gate"), following.gate.elements);
      following.gateBox.disabled = !p.state.d.follow;
    }
    following.save.disabled = false;
  });
}

/** "Enable/Disable deployment". @param {DeploymentPage} p */
function wireToggle(p) {
  const { state, view, main } = p;
  view.toggle.addEventListener("click", async () => {
    view.toggle.disabled = true;
    try {
      state.d = (await api(`/deployments/${seg(state.d.name)}`, { method: "PATCH", json: { enabled: !state.d.enabled } })).data;
      show(p);
      announce(state.d.enabled ? "Deployment enabled" : "Deployment disabled");
      await historyPart(state, view.history);
    } catch (error) {
      showProblem(main, error);
    } finally {
      view.toggle.disabled = false;
    }
  });
}

/** "Delete deployment": asks first, in a dialog. @param {DeploymentOut} d */
function deleteDialog(d) {
  const confirm = /** @type {HTMLButtonElement} */ (h("button", { type: "button", class: "danger" }, "Delete"));
  const cancel = h("button", { type: "button", class: "secondary" }, "Cancel");
  const body = h("div", { class: "form" },
    h("div", { class: "form-problem" }),
    h("p", {}, `Delete ${d.name} and its history? Its prediction route stops answering; the model versions stay.`),
    h("div", { class: "buttons" }, confirm, cancel));
  const dlg = dialog("Delete deployment", body);
  cancel.addEventListener("click", () => dlg.close());
  confirm.addEventListener("click", async () => {
    confirm.disabled = true;
    try {
      await api(`/deployments/${seg(d.name)}`, { method: "DELETE" });
      dlg.close();
      announce(`Deployment ${d.name} deleted`);
      location.hash = "#/deployments";
    } catch (error) {
      showFieldErrors(body, error, () => null);
      confirm.disabled = false;
    }
  });
}

/** The History and Monitoring tabs; the selected one is part of the address. @param {DeploymentPage} p */
function deploymentTabs(p) {
  const { state, view } = p;
  const panels = [
    { id: "history", label: "History", render: (/** @type {HTMLElement} */ panel) => panel.append(view.historySection) },
    { id: "monitoring", label: "Monitoring", render: (/** @type {HTMLElement} */ panel) => monitoringPanel(panel, {
      d: state.d, signal: state.signal, onSaved: (d) => { state.d = d; show(p); showTab("monitoring"); },
    }).catch((e) => showProblem(panel, e)) },
  ];
  const showTab = (/** @type {string} */ which, /** @type {{focus?: boolean}} */ { focus } = {}) => {
    const hash = `#/deployments/${seg(state.d.name)}${which === "history" ? "" : `/${which}`}`;
    if (location.hash !== hash) history.replaceState(null, "", hash);
    replace(view.tabs, tabs(`${state.d.name} sections`, panels, which, showTab));
    if (focus) /** @type {HTMLElement} */ (view.tabs.querySelector("[role=tab][aria-selected=true]")).focus();
  };
  return showTab;
}

/** @param {HTMLElement} main @param {string} name @param {{signal: AbortSignal}} ctx @param {string} tab */
async function renderDeployment(main, name, { signal }, tab) {
  /** @type {DeploymentState} */
  const state = { d: await get(`/deployments/${seg(name)}`, { signal }), versions: [], schemaShown: null, signal };
  state.versions = await loadVersions(state);
  const { view, page } = deploymentLayout(state.d);
  /** @type {DeploymentPage} */
  const p = { state, view, main };
  wireForms(p);
  wireToggle(p);
  view.remove.addEventListener("click", () => deleteDialog(state.d));
  replace(main, page);
  show(p);
  deploymentTabs(p)(tab);
  await historyPart(state, view.history).catch((e) => showProblem(view.history, e));
}
