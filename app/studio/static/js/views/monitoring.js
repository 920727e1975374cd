// @ts-check
// A deployment's Monitoring tab: drift of the logged rows column by column (each bin's share
// now beside the training rows' share, the metric against its threshold), the scheduled
// checks' history (episodes, the retrains they submitted), live performance on the labelled
// predictions (the gate's metric and accuracy, per serving version, day by day) and the
// monitor's settings, saved with PATCH /deployments/{name}. Each part renders into a box of
// its own from what the API answered; a part that fails says so and leaves the others.

import { api, ApiError, get, seg } from "../api.js";
import { announce, h, replace } from "../dom.js";
import { number, time } from "../format.js";
import {
  badge, clearFieldErrors, empty, field, link, moreButton, showFieldErrors, showProblem, table,
} from "../ui.js";

/** @typedef {import("../types.js").DeploymentOut} DeploymentOut */
/** @typedef {import("../types.js").DriftOut} DriftOut */
/** @typedef {import("../types.js").DriftColumn} DriftColumn */
/** @typedef {import("../types.js").DriftCheckOut} DriftCheckOut */
/** @typedef {import("../types.js").PerformanceOut} PerformanceOut */

const WINDOWS = [["PT1H", "Last hour"], ["PT24H", "Last 24 hours"], ["P7D", "Last 7 days"], ["P30D", "Last 30 days"]];
const BAR = { width: 300, row: 22, label: 130 };
const DAY = 86_400_000;

/** @param {string} tag @param {Record<string, any>} [attrs] @param {...any} children */
const svg = (tag, attrs = {}, ...children) => h(`svg:${tag}`, attrs, ...children);

function windowSelect(selected, onChange) {
  const select = /** @type {HTMLSelectElement} */ (h("select", {},
    WINDOWS.map(([value, label]) => h("option", { value }, label))));
  select.value = selected;
  select.addEventListener("change", () => onChange(select.value));
  return select;
}

/** Each bin's share of the training rows and of the logged rows, as paired bars.
 * @param {DriftColumn} c */
function binsFigure(c) {
  const bins = c.bins || [];
  const height = bins.length * BAR.row + 24;
  const scale = Math.max(0.01, ...bins.flatMap((b) => [b.reference, b.current]));
  const width = (share) => ((share / scale) * (BAR.width - BAR.label - 50)).toFixed(1);
  const summary = bins.map((b) => `${b.label}: training ${pct(b.reference)}, now ${pct(b.current)}`).join("; ");
  return h("figure", { class: "chart drift-chart" },
    svg("svg", { viewBox: `0 0 ${BAR.width} ${height}`, role: "img",
      "aria-label": `Share of rows per bin of ${c.name}, training rows beside the logged rows: ${summary}` },
    bins.map((b, i) => {
      const y = i * BAR.row;
      return svg("g", {},
        svg("text", { x: BAR.label - 6, y: y + 14, "text-anchor": "end", class: "tick" }, b.label.slice(0, 22)),
        svg("rect", { x: BAR.label, y: y + 3, height: 8, width: width(b.reference), fill: "#8a94a6" }),
        svg("rect", { x: BAR.label, y: y + 11, height: 8, width: width(b.current), fill: "#2f6fde" }),
        svg("text", { x: BAR.width - 4, y: y + 14, "text-anchor": "end", class: "tick" }, pct(b.current)));
    }),
    svg("rect", { x: BAR.label, y: height - 16, width: 10, height: 8, fill: "#8a94a6" }),
    svg("text", { x: BAR.label + 14, y: height - 8, class: "tick" }, "training"),
    svg("rect", { x: BAR.label + 80, y: height - 16, width: 10, height: 8, fill: "#2f6fde" }),
    svg("text", { x: BAR.label + 94, y: height - 8, class: "tick" }, "now")),
    h("figcaption", {}, `${c.name}: ${c.metric.toUpperCase()} ${number(c.value)} (threshold ${number(c.threshold)})`));
}

function pct(share) {
  return `${(share * 100).toFixed(1)} %`;
}

/** @param {DriftColumn} c */
function columnRow(c) {
  return h("tr", {},
    h("th", { scope: "row" }, c.name),
    h("td", {}, c.kind),
    h("td", {}, c.metric.toUpperCase()),
    h("td", { class: "num" }, number(c.value)),
    h("td", { class: "num" }, number(c.threshold)),
    h("td", {}, badge(c.drifted ? "drifted" : "stable")),
    h("td", { class: "num" }, c.missing_rate === null ? "–" : pct(c.missing_rate),
      " / ", c.reference_missing_rate === null ? "–" : pct(c.reference_missing_rate)));
}

/** @param {DriftOut} drift */
function driftResult(drift) {
  if (!drift.enough_rows) return empty(drift.message || "Too few logged rows in this window to measure drift.");
  const columns = drift.prediction ? [...drift.columns, drift.prediction] : drift.columns;
  return h("div", {},
    h("p", {}, badge(drift.drifted ? "drifted" : "stable"), ` ${number(drift.rows)} logged rows of version ${drift.version}`
      + ` against ${number(drift.reference_rows)} training rows.`),
    table("Drift per column", ["Column", "Kind", "Metric", "Value", "Threshold", "Drift", "Missing (now / training)"],
      columns.map(columnRow), { hideCaption: false }),
    h("div", { class: "drift-charts" }, columns.map((c) => h("details", { open: c.drifted || undefined },
      h("summary", {}, `${c.name}: ${c.drifted ? "drifted" : "stable"}`), binsFigure(c)))));
}

/** @param {DeploymentOut} d @param {HTMLElement} box @param {AbortSignal} signal */
async function driftPart(d, box, signal) {
  const result = h("div", {}, h("p", { class: "muted" }, "Measuring…"));
  const load = async (window) => {
    try {
      /** @type {DriftOut} */
      const drift = await get(`/deployments/${seg(d.name)}/drift?window=${window}`, { signal });
      replace(result, driftResult(drift));
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) replace(result, empty(error.message));
      else showProblem(result, error);
    }
  };
  replace(box, field("Window", windowSelect("PT24H", load)), result);
  await load("PT24H");
}

/** @param {DriftCheckOut} c */
function checkRow(c) {
  const drifted = c.columns.filter((x) => x.drifted).map((x) => x.name).join(", ");
  return h("tr", {},
    h("td", { class: "time" }, time(c.at)),
    h("td", { class: "num" }, number(c.rows)),
    h("td", {}, badge(!c.enough_rows ? "too few rows" : c.drifted ? "drifted" : "stable")),
    h("td", { class: "wrap" }, drifted || "–"),
    h("td", {}, c.episode_started ? "began an episode" : c.episode_id ? "same episode" : "–"),
    h("td", { class: "wrap" }, c.run_id ? link(`#/runs/${seg(c.run_id)}`, c.run_id, { class: "mono" }) : (c.retrain_note || "–")));
}

/** @param {DeploymentOut} d @param {HTMLElement} box @param {AbortSignal} signal */
async function checksPart(d, box, signal) {
  /** @type {Array<DriftCheckOut>} */
  const checks = [];
  /** @type {string | null} */
  let cursor = null;
  const more = async () => {
    const page = await get(`/deployments/${seg(d.name)}/drift/checks?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      { signal });
    cursor = page.next_cursor;
    checks.push(...page.items);
    replace(box, checks.length
      ? table(`Drift checks of ${d.name}`, ["Time", "Rows", "Result", "Drifted columns", "Episode", "Retrain"], checks.map(checkRow))
      : empty(d.monitor && d.monitor.check_every_seconds
        ? `No check yet: the scheduler checks every ${d.monitor.check_every_seconds} s (retrainer up, or retrainer scheduler).`
        : "Scheduled checks are off: set “Check every” below."),
    cursor ? moreButton(() => more().catch((e) => showProblem(box, e))) : null);
  };
  await more();
}

/** The labelled predictions' metrics per day of the last 7 days (one request per day).
 * @param {DeploymentOut} d @param {AbortSignal} signal */
async function performanceByDay(d, signal) {
  const end = Date.now();
  const days = await Promise.all([6, 5, 4, 3, 2, 1, 0].map(async (back) => {
    const since = new Date(end - (back + 1) * DAY).toISOString();
    const until = new Date(end - back * DAY).toISOString();
    /** @type {PerformanceOut} */
    const out = await get(`/deployments/${seg(d.name)}/performance?since=${encodeURIComponent(since)}&until=${encodeURIComponent(until)}`,
      { signal });
    return out;
  }));
  const rows = days.flatMap((day) => Object.values(day.metrics).map((m) => h("tr", {},
    h("td", { class: "time" }, time(day.until)),
    h("td", { class: "num" }, `version ${m.version}`),
    h("td", { class: "num" }, number(m.rows)),
    h("td", {}, m.metric),
    h("td", { class: "num" }, m.value === null ? "–" : number(m.value)),
    h("td", { class: "num" }, m.accuracy === null ? "–" : number(m.accuracy)))));
  return rows.length
    ? table(`Live performance of ${d.name} per day`, ["Day ending", "Version", "Labelled rows", "Metric", "Value", "Accuracy"],
      rows, { hideCaption: false })
    : empty("No labelled predictions in the last 7 days: send true labels with POST /deployments/{name}/feedback.");
}

/** @param {DeploymentOut} d @param {HTMLElement} box @param {AbortSignal} signal */
async function performancePart(d, box, signal) {
  replace(box, await performanceByDay(d, signal));
}

/** The monitor's inputs, filled from `m` (null: the defaults a new monitor gets). */
function settingsInputs(m) {
  const retrain = m && m.retrain;
  const text = (value, attrs = {}) => h("input", { type: "text", autocomplete: "off", spellcheck: "false", value, ...attrs });
  const num = (value, attrs = {}) => h("input", { type: "number", step: "any", inputmode: "decimal", value, ...attrs });
  return {
    log: /** @type {HTMLInputElement} */ (h("input", { type: "checkbox", checked: m ? m.log_predictions : true })),
    sample: num(m ? String(m.sample) : "1", { min: "0", max: "1" }),
    every: num(m ? (m.check_every_seconds === null ? "" : String(m.check_every_seconds)) : "3600", { min: "1", step: "1" }),
    psi: num(m ? String(m.thresholds.psi) : "0.2", { min: "0" }),
    js: num(m ? String(m.thresholds.js) : "0.1", { min: "0", max: "1" }),
    endpoint: text(retrain ? retrain.endpoint : "", { placeholder: "census-income" }),
    cooldown: num(retrain ? String(retrain.cooldown_seconds) : "86400", { min: "60", step: "1" }),
    parameters: h("textarea", { rows: "3", spellcheck: "false" }, retrain ? JSON.stringify(retrain.parameters) : "{}"),
  };
}

/** The monitor a form's inputs say (numbers the browser cannot read are sent as typed, so
 * that the server's 422 names the field). */
function readMonitor(inputs) {
  const read = (control, empty) => {
    if (control.value === "") return empty;
    const value = Number(control.value);
    return Number.isFinite(value) ? value : control.value;
  };
  /** @type {Record<string, unknown>} */
  const monitor = {
    log_predictions: inputs.log.checked, sample: read(inputs.sample, 1), check_every_seconds: read(inputs.every, null),
    thresholds: { psi: read(inputs.psi, 0.2), js: read(inputs.js, 0.1) }, retrain: null,
  };
  if (inputs.endpoint.value.trim()) {
    let parameters;
    try {
      parameters = JSON.parse(inputs.parameters.value || "{}");
    } catch {
      parameters = inputs.parameters.value;  // the server names it
    }
    monitor.retrain = { endpoint: inputs.endpoint.value.trim(), cooldown_seconds: read(inputs.cooldown, 86400), parameters };
  }
  return monitor;
}

/** The settings form; `save(body)` PATCHes and answers the deployment. @param {DeploymentOut} d
 * @param {(body: Record<string, unknown>) => Promise<DeploymentOut>} save */
function settingsForm(d, save) {
  const inputs = settingsInputs(d.monitor);
  const submit = /** @type {HTMLButtonElement} */ (h("button", { type: "submit" }, "Save monitor"));
  const stop = /** @type {HTMLButtonElement} */ (h("button", { type: "button", class: "secondary", hidden: !d.monitor },
    "Stop monitoring"));
  const checkbox = field("Log predictions", inputs.log, { name: "monitor.log_predictions" });
  checkbox.classList.add("checkbox");
  const form = h("form", { class: "form", novalidate: true },
    h("div", { class: "form-problem" }), checkbox,
    field("Sample", inputs.sample, { name: "monitor.sample", hint: "The share of rows logged (0 to 1)." }),
    field("Check every (seconds)", inputs.every, { name: "monitor.check_every_seconds",
      hint: "How often the scheduler checks the last 24 hours. Empty: no scheduled checks." }),
    field("PSI threshold", inputs.psi, { name: "monitor.thresholds.psi", hint: "A number column drifted at or above this." }),
    field("Jensen-Shannon threshold", inputs.js, { name: "monitor.thresholds.js", hint: "A category column drifted at or above this (0 to 1)." }),
    h("fieldset", {}, h("legend", {}, "Retrain on drift"),
      field("Endpoint", inputs.endpoint, { name: "monitor.retrain.endpoint",
        hint: "An endpoint (name or id) run once per drift episode. Empty: no retrain. Needs runs:write." }),
      field("Cooldown (seconds)", inputs.cooldown, { name: "monitor.retrain.cooldown_seconds",
        hint: "No second retrain within this long of the last one." }),
      field("Parameters (JSON)", inputs.parameters, { name: "monitor.retrain.parameters", hint: "As in a run request." })),
    h("div", { class: "buttons" }, submit, stop));
  const send = async (body, button) => {
    clearFieldErrors(form);
    button.disabled = true;
    try {
      const saved = await save(body);
      stop.hidden = !saved.monitor;
    } catch (error) {
      showFieldErrors(form, error, (loc) => {
        const name = (loc[0] === "body" ? loc.slice(1) : loc).join(".");
        return form.querySelector(`.field[data-field="${CSS.escape(name)}"]`) ? name : null;
      });
    } finally {
      button.disabled = false;
    }
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    send({ monitor: readMonitor(inputs) }, submit);
  });
  stop.addEventListener("click", () => send({ monitor: null }, stop));
  return form;
}

/** Renders the tab into `panel`. @param {HTMLElement} panel
 * @param {{d: DeploymentOut, signal: AbortSignal, onSaved: (d: DeploymentOut) => void}} options */
export async function monitoringPanel(panel, { d, signal, onSaved }) {
  const boxes = { drift: h("div", {}), checks: h("div", {}), performance: h("div", {}) };
  const section = (id, title, lead, box) => h("section", { class: "panel", "aria-labelledby": id },
    h("h2", { id }, title), h("p", { class: "muted" }, lead), box);
  replace(panel,
    d.monitor ? null : h("p", { class: "notice" }, "Predictions are not logged: turn the monitor on below to measure drift."),
    section("monitor-drift-title", "Drift", "The logged rows of a window against the serving version's training rows, "
      + "column by column: PSI for numbers, Jensen-Shannon distance for categories.", boxes.drift),
    section("monitor-checks-title", "Checks", "The scheduled checks, newest first. A drift episode (consecutive drifted "
      + "checks) sends deployment.drift_detected once and submits one retrain, if set.", boxes.checks),
    section("monitor-performance-title", "Live performance", "The gate's metric and the accuracy on the predictions "
      + "whose true labels were sent (POST /deployments/{name}/feedback).", boxes.performance),
    section("monitor-settings-title", "Monitor settings", "Saved with PATCH /deployments/{name}.",
      settingsForm(d, async (body) => {
        const saved = (await api(`/deployments/${seg(d.name)}`, { method: "PATCH", json: body })).data;
        announce(saved.monitor ? "Monitor saved" : "Monitoring stopped");
        onSaved(saved);
        return saved;
      })));
  await Promise.all([
    driftPart(d, boxes.drift, signal).catch((e) => showProblem(boxes.drift, e)),
    checksPart(d, boxes.checks, signal).catch((e) => showProblem(boxes.checks, e)),
    performancePart(d, boxes.performance, signal).catch((e) => showProblem(boxes.performance, e)),
  ]);
}
