// @ts-check
// "Compare runs" (#/runs/compare?ids=a,b): the chosen runs side by side, a column each:
// what ran, their parameters, metrics and models. A row whose values differ is marked
// (a "differs" badge a screen reader reads with the row's name, and a tint).

import { get, seg } from "./api.js";
import { h, replace } from "./dom.js";
import { breakable, duration, metricPairs, number, time } from "./format.js";
import { badge, empty, link, pageHeader, table } from "./ui.js";

/** @typedef {import("./types.js").RunOut} RunOut */
/** @typedef {import("./types.js").ModelVersionOut} ModelVersionOut */

const MAX_RUNS = 8;

/**
 * What the page shows; the parts below only read it.
 * @typedef {Object} CompareState
 * @property {Array<RunOut>} runs in the order chosen
 * @property {Array<ModelVersionOut | null>} models each run's model version (null: none, or not readable)
 * @property {Array<string>} missing ids that could not be read
 * @property {Record<string, string>} endpoints endpoint id -> name
 */

/** A row's cells are "the same" when their values are, as JSON. @param {Array<any>} values */
function differs(values) {
  const seen = new Set(values.map((v) => JSON.stringify(v === undefined ? null : v)));
  return seen.size > 1;
}

/** A table with a column per run and a row per [name, values, show?, unmarked?], differing rows
 * marked (unless `unmarked`: times always differ).
 * @param {string} caption @param {CompareState} state
 * @param {Array<[string, Array<any>, ((v: any) => any)?, boolean?]>} rows */
function compareTable(caption, state, rows) {
  if (!rows.length) return empty(`No ${caption.toLowerCase().replace(/ compared$/, "")} in these runs.`);
  const heads = ["", ...state.runs.map((r) => link(`#/runs/${seg(r.id)}`, r.id, { class: "mono" }))];
  return table(caption, heads.map((x, i) => (i === 0 ? h("span", { class: "visually-hidden" }, "Name") : x)),
    rows.map(([name, values, show, unmarked]) => {
      const marked = !unmarked && differs(values);
      return h("tr", { class: marked ? "differs" : "" },
        h("th", { scope: "row" }, name, marked ? [" ", h("span", { class: "badge differs-badge" }, "differs")] : null),
        values.map((v) => h("td", { class: "wrap-anywhere" }, v === undefined || v === null ? "–" : (show ? show(v) : breakable(v)))));
    }));
}

/** @param {CompareState} state @param {RunOut} run */
function source(state, run) {
  if (!run.endpoint_id) return `draft ${run.pipeline_id}`;
  return `${state.endpoints[run.endpoint_id] || run.endpoint_id} version ${run.endpoint_version}`;
}

/** What ran, and how it went. @param {CompareState} state */
function overviewPart(state) {
  const { runs } = state;
  return compareTable("Runs compared", state, [
    ["Status", runs.map((r) => r.status), (v) => badge(v)],
    ["Source", runs.map((r) => source(state, r))],
    ["Pipeline digest", runs.map((r) => r.pipeline_digest), (v) => h("code", { class: "sha" }, String(v).slice(0, 12))],
    ["Experiment", runs.map((r) => r.experiment)],
    ["Created", runs.map((r) => r.created_at), time, true],
    ["Duration", runs.map((r) => duration(r.started_at, r.finished_at)), undefined, true],
  ]);
}

/** Every parameter any of the runs used. @param {CompareState} state */
function parametersPart(state) {
  const names = [...new Set(state.runs.flatMap((r) => Object.keys(r.parameters || {})))].sort();
  return compareTable("Parameters compared", state,
    names.map((n) => [n, state.runs.map((r) => (r.parameters || {})[n])]));
}

/** Every numeric metric of any of the runs, headline ones first. @param {CompareState} state */
function metricsPart(state) {
  const names = [...new Set(state.runs.flatMap((r) => metricPairs(r.metrics).map(([k]) => k)))];
  return compareTable("Metrics compared", state,
    names.map((n) => [n, state.runs.map((r) => (r.metrics || {})[n]), number]));
}

/** The models the runs registered: version, learner, hyperparameters, file. @param {CompareState} state */
function modelsPart(state) {
  const { runs, models } = state;
  const hyper = [...new Set(models.flatMap((m) => Object.keys((m && m.hyperparameters) || {})))].sort();
  const of = (/** @type {(m: ModelVersionOut) => any} */ pick) => models.map((m) => (m ? pick(m) : null));
  return compareTable("Models compared", state, [
    ["Model", runs.map((r) => (r.model ? `${r.model.name} version ${r.model.version}` : null))],
    ["Algorithm", of((m) => m.algorithm)],
    ["Task", of((m) => m.task)],
    ["Label column", of((m) => m.label_column)],
    ["Features", of((m) => (m.feature_columns || []).length)],
    ...hyper.map((k) => /** @type {[string, Array<any>]} */ ([`hyperparameter ${k}`, of((m) => (m.hyperparameters || {})[k])])),
    ["sha256", of((m) => m.sha256), (v) => h("code", { class: "sha" }, String(v).slice(0, 12))],
  ]);
}

/** @param {string} title @param {string} id @param {any} body */
function section(title, id, body) {
  return h("section", { class: "panel", "aria-labelledby": id }, h("h2", { id }, title), body);
}

/** Reads the runs and their model versions. @param {Array<string>} ids @param {AbortSignal} signal */
async function loadCompare(ids, signal) {
  const read = await Promise.all(ids.map((id) => get(`/runs/${seg(id)}`, { signal }).catch(() => null)));
  const runs = /** @type {Array<RunOut>} */ (read.filter(Boolean));
  const models = await Promise.all(runs.map((r) => (r.model
    ? get(`/models/${seg(r.model.name)}/versions/${r.model.version}`, { signal }).catch(() => null) : null)));
  const endpointIds = [...new Set(runs.map((r) => r.endpoint_id).filter(Boolean))];
  const names = await Promise.all(endpointIds.map((id) => get(`/endpoints/${seg(id)}`, { signal })
    .then((e) => e.name, () => id)));
  /** @type {CompareState} */
  const state = { runs, models, missing: ids.filter((_, i) => !read[i]),
    endpoints: Object.fromEntries(endpointIds.map((id, i) => [id, names[i]])) };
  return state;
}

/** @param {HTMLElement} main @param {{signal: AbortSignal, query: URLSearchParams}} ctx */
export async function renderCompare(main, { signal, query }) {
  const ids = [...new Set((query.get("ids") || "").split(",").map((s) => s.trim()).filter(Boolean))].slice(0, MAX_RUNS);
  const state = await loadCompare(ids, signal);
  replace(main, pageHeader("Compare runs", link("#/runs", "All runs", { class: "button-link secondary" })),
    h("p", { class: "lead" }, state.runs.length >= 2
      ? `${state.runs.length} runs side by side; rows whose values differ are marked “differs”.`
      : "Choose two or more runs in the Runs list (their Select boxes), then Compare."),
    state.missing.length ? h("p", { class: "notice warning" }, `Not found: ${state.missing.join(", ")}.`) : null,
    state.runs.length ? [
      section("Runs", "compare-runs-title", overviewPart(state)),
      section("Parameters", "compare-params-title", parametersPart(state)),
      section("Metrics", "compare-metrics-title", metricsPart(state)),
      section("Models", "compare-models-title", modelsPart(state)),
    ] : null);
}
