// @ts-check
// Runs: the list with live status, and a run's page: the graph with each step's
// state, its times, and for the selected step "Outputs + logs" (log, metrics,
// outputs with size and sha256 and a download). Live updates use the long-poll.
//
// A run's page keeps what it shows in one state object (RunState); each part (summary,
// graph, step panel, log follower) is rendered by a function of that state.

import { api, ApiError, download, get, seg } from "../api.js";
import { evaluationPart } from "../charts.js";
import { components as loadComponents } from "../components.js";
import { announce, h, replace } from "../dom.js";
import { breakable, bytes, duration, gateScore, metricPairs, number, TERMINAL, time, versionChange } from "../format.js";
import { follow, loadRun } from "../follow.js";
import { renderCompare } from "../compare.js";
import { drawGraph } from "../graph.js";
import { previewButton } from "../preview.js";
import { runTable } from "../runtable.js";
import { badge, details, empty, link, pageHeader, showProblem, table } from "../ui.js";
import { startedBy } from "./triggers.js";

/** @typedef {import("../types.js").ModelRef} ModelRef */
/** @typedef {import("../types.js").OutputOut} OutputOut */
/** @typedef {import("../types.js").PipelineOut} PipelineOut */
/** @typedef {import("../types.js").RunOut} RunOut */
/** @typedef {import("../types.js").StepOut} StepOut */
/** @typedef {import("../types.js").VersionOut} VersionOut */

const LOG_FOLLOW_MS = 2000;

export async function render(main, [id], ctx) {
  if (id === "compare") return renderCompare(main, ctx);
  if (id) return renderRun(main, id, ctx);
  /** @type {Record<string, string>} */
  const filter = {};
  for (const key of ["pipeline_id", "endpoint_id", "status", "experiment"]) {
    if (ctx.query.get(key)) filter[key] = ctx.query.get(key);
  }
  const filtered = Object.keys(filter).length;
  replace(main, pageHeader("Runs"),
    h("p", { class: "lead" }, filtered
      ? ["Runs where ", Object.entries(filter).map(([k, v]) => `${k} is ${v}`).join(" and "), ". ", link("#/runs", "All runs")]
      : "Every run of a draft or of an endpoint, newest first. Statuses update live."));
  await runTable(main, { filter, signal: ctx.signal, selectable: true,
    emptyText: "No runs yet: submit one from an endpoint (or from a pipeline's page)." });
}

function metricsTable(caption, metrics) {
  const pairs = metricPairs(metrics);
  if (!pairs.length) return null;
  return table(caption, ["Metric", "Value"], pairs.map(([k, v]) => h("tr", {}, h("th", { scope: "row" }, k), h("td", { class: "num" }, number(v)))));
}

function stepText(step) {
  if (step.status === "succeeded" && step.reused_from) return "reused";
  if (step.status === "running") return "running…";
  return step.status;
}

// --- a run's page: a state object, render functions by part, and a controller ----------

/**
 * What a run's page shows. The render functions below only read it; the controller
 * (renderRun and the functions it calls with the page) alone changes it.
 * @typedef {Object} RunState
 * @property {string} id
 * @property {RunOut} run
 * @property {VersionOut | null} version the published version that ran (an endpoint's run)
 * @property {PipelineOut | null} pipeline the draft that ran (a draft's run)
 * @property {string | null} selected the step whose panel is open
 * @property {Array<OutputOut> | null} outputs the run's outputs, read when a step is shown
 */

/** Loads what the page needs: the run, its definition (published snapshot or draft) and the components.
 * @param {string} id @param {AbortSignal} signal */
async function loadRunState(id, signal) {
  const [{ run, etag }, components] = await Promise.all([loadRun(id, signal), loadComponents(signal)]);
  const version = run.endpoint_id
    ? await get(`/endpoints/${seg(run.endpoint_id)}/versions/${run.endpoint_version}`, { signal }).catch(() => null)
    : null;
  const pipeline = version ? null : await get(`/pipelines/${seg(run.pipeline_id)}`, { signal }).catch(() => null);
  /** @type {RunState} */
  const state = { id, run, version, pipeline, selected: null, outputs: null };
  return { state, etag, components };
}

/** The graph's steps: from the definition that ran, but a draft edited since then may
 * have other steps, so the run's own list wins. @param {RunState} state */
function graphSteps(state) {
  const definition = state.version || state.pipeline;
  /** @type {Record<string, {component: string, inputs?: Record<string, string>}>} */
  const steps = {};
  for (const s of state.run.steps) {
    steps[s.name] = (definition && definition.steps[s.name]) || { component: s.component, inputs: {} };
  }
  return steps;
}

// --- summary -------------------------------------------------------------------------

/** @param {ModelRef} model @param {(error: unknown) => void} onProblem */
function modelLinks(model, onProblem) {
  const href = `/models/${seg(model.name)}/versions/${model.version}/download`;
  const dl = h("a", { href, download: `${model.name}-v${model.version}.joblib`, class: "button-link small" }, "Download model");
  dl.addEventListener("click", (event) => {
    event.preventDefault();
    download(href, `${model.name}-v${model.version}.joblib`).catch(onProblem);
  });
  return [link(`#/models/${seg(model.name)}/versions/${model.version}`, `${model.name} version ${model.version}`), " (lineage) ", dl];
}

/** @param {RunState} state */
function sourcePair(state) {
  const { run, version, pipeline } = state;
  if (!run.endpoint_id) return ["Pipeline", link(`#/pipelines/${seg(run.pipeline_id)}`, pipeline ? pipeline.name : run.pipeline_id)];
  const endpoint = version ? version.endpoint_name : run.endpoint_id;
  return ["Endpoint", [link(`#/endpoints/${seg(endpoint)}`, endpoint), ` version ${run.endpoint_version}`]];
}

/** @param {RunState} state @param {(error: unknown) => void} onProblem */
function summaryPart(state, onProblem) {
  const { run } = state;
  return details([
    sourcePair(state),
    startedBy(run, state.version ? state.version.endpoint_name : run.endpoint_id),
    ["Experiment", run.experiment || "–"],
    ["Created", time(run.created_at)],
    ["Started", time(run.started_at)],
    ["Finished", time(run.finished_at)],
    ["Duration", duration(run.started_at, run.finished_at)],
    ["Model", run.model ? modelLinks(run.model, onProblem) : (TERMINAL.has(run.status) ? "none" : "not yet")],
    run.error ? ["Error", h("span", { class: "error-text" }, run.error.step ? `step ${run.error.step}: ${run.error.message}` : run.error.message)] : null,
    ["Pipeline digest", h("code", { class: "wrap-anywhere" }, breakable(run.pipeline_digest || "–"))],
  ]);
}

/** @param {RunOut} run */
function parametersPart(run) {
  return Object.keys(run.parameters || {}).length
    ? table("Parameters of this run", ["Parameter", "Value"], Object.entries(run.parameters).map(([k, v]) =>
      h("tr", {}, h("th", { scope: "row" }, h("code", {}, k)), h("td", { class: "wrap-anywhere" }, breakable(v)))))
    : empty("This run has no parameters.");
}

/** What the run did to the deployments that follow the model it registered. @param {RunOut} run */
function effectsPart(run) {
  const changed = run.deployments || [];
  return [h("h2", { id: "run-deployments-title" }, "Deployments"),
    h("p", { class: "muted" }, "What this run's model did to the deployments that follow it: promoted when the gate passed, held when not."),
    changed.length ? table("Deployments this run changed", ["Deployment", "Outcome", "Version", "Gate score", "Message"],
      changed.map((e) => h("tr", {},
        h("th", { scope: "row" }, link(`#/deployments/${seg(e.deployment)}`, e.deployment)),
        h("td", {}, badge(e.reason)),
        h("td", { class: "num" }, versionChange(e.from_version, e.to_version)),
        h("td", { class: "wrap" }, gateScore(e.metrics)),
        h("td", { class: "wrap" }, e.message || "")))) : null];
}

/** @param {RunOut} run */
function runMetricsPart(run) {
  return metricsTable("Metrics of this run", run.metrics)
    || empty(TERMINAL.has(run.status) ? "No metrics." : "Metrics appear when the evaluate step has run.");
}

// --- the step panel ------------------------------------------------------------------

function stepPlaceholder() {
  return [h("h2", { id: "run-step-title" }, "Step details"),
    h("p", { class: "muted" }, "Select a step to see its state, times and Outputs + logs.")];
}

/** The selected step: its details, then "Outputs + logs" with the log, its metrics and `outputsBox`.
 * @param {StepOut} step @param {HTMLElement} logPre @param {HTMLElement} outputsBox */
function stepPart(step, logPre, outputsBox) {
  const stepMetrics = metricsTable(`Metrics of step ${step.name}`, step.metrics);
  return [h("h2", { id: "run-step-title", tabindex: "-1" }, `Step ${step.name}`),
    details([
      ["Component", h("code", {}, `${step.component} ${step.component_version}`)],
      ["State", badge(step.status)],
      ["Started", time(step.started_at)],
      ["Finished", time(step.finished_at)],
      ["Duration", duration(step.started_at, step.finished_at)],
      step.reused_from ? ["Reused from", link(`#/runs/${seg(step.reused_from)}`, step.reused_from)] : null,
      step.error ? ["Error", h("span", { class: "error-text" }, step.error)] : null,
    ]),
    step.component === "evaluate_model" ? evaluationPart(step.metrics) : null,
    h("section", { class: "outputs-logs", "aria-labelledby": "outputs-logs-title" },
      h("h3", { id: "outputs-logs-title" }, "Outputs + logs"),
      h("h4", {}, "Log"), logPre,
      stepMetrics ? [h("h4", {}, "Metrics"), stepMetrics] : null,
      h("h4", {}, "Outputs"), outputsBox)];
}

/** The step's outputs with a download each. @param {string} id @param {StepOut} step
 * @param {Array<OutputOut>} outputs @param {(error: unknown) => void} onProblem */
function outputsPart(id, step, outputs, onProblem) {
  const mine = outputs.filter((o) => o.step === step.name);
  if (!mine.length) return empty(step.status === "succeeded" ? "This step wrote no outputs." : "Outputs appear when the step has succeeded.");
  return table(`Outputs of step ${step.name}`, ["Port", "Type", "Size", "sha256", h("span", { class: "visually-hidden" }, "Actions")],
    mine.map((o) => {
      const ext = o.type === "model" ? "joblib" : (o.type === "metrics" ? "json" : "parquet");
      const filename = `${id}-${o.step}-${o.port}.${ext}`;
      const button = h("button", { type: "button", class: "secondary small", "aria-label": `Download ${o.step}.${o.port}` }, "Download");
      // The path is built here, never taken from the answer: the token goes only to this service.
      button.addEventListener("click", () => download(`/runs/${seg(id)}/outputs/${seg(o.step)}/${seg(o.port)}`, filename).catch(onProblem));
      return h("tr", {},
        h("th", { scope: "row" }, o.port), h("td", {}, o.type), h("td", { class: "num" }, bytes(o.size)),
        h("td", {}, h("code", { class: "sha" }, o.sha256)),
        h("td", { class: "actions" }, button, o.type === "dataset"
          ? previewButton(`/runs/${seg(id)}/outputs/${seg(o.step)}/${seg(o.port)}/preview`, `${o.step}.${o.port}`) : null));
    }));
}

// --- the log follower ----------------------------------------------------------------

/** A step's log in a <pre>, read again every LOG_FOLLOW_MS while the step runs (one step at
 * a time: following another stops the first), following the tail unless the person scrolled up.
 * @param {string} id @param {AbortSignal} signal @param {(error: unknown) => void} onProblem */
function logFollower(id, signal, onProblem) {
  const pre = h("pre", { class: "log", tabindex: "0" });
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  /** @type {string | null} */
  let following = null;
  signal.addEventListener("abort", () => clearTimeout(timer));

  /** @param {StepOut} step */
  async function load(step) {
    try {
      const { data } = await api(`/runs/${seg(id)}/steps/${seg(step.name)}/logs`, { signal, accept: "text/plain" });
      const atBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 8;
      pre.textContent = data || "(the log is empty)";
      if (atBottom) pre.scrollTop = pre.scrollHeight;
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error;
      pre.textContent = step.status === "pending" ? "No log yet: the step has not started." : "No log for this step.";
    }
  }

  /** @param {string} name @param {(name: string) => StepOut | undefined} current */
  async function tick(name, current) {
    clearTimeout(timer);
    const step = current(name);
    if (!step || signal.aborted || following !== name) return;
    await load(step).catch(onProblem);
    const now = current(name);
    if (now && now.status === "running" && !signal.aborted) timer = setTimeout(() => tick(name, current), LOG_FOLLOW_MS);
  }

  return {
    pre,
    /** Shows step `name`'s log and follows it; `current(name)` reads the step as it is now.
     * @param {string} name @param {(name: string) => StepOut | undefined} current */
    follow(name, current) {
      following = name;
      pre.setAttribute("aria-label", `Log of step ${name}`);
      tick(name, current);
    },
  };
}

// --- layout and controller -----------------------------------------------------------

/** The page's elements, each part empty until rendered.
 * @param {RunState} state @param {Record<string, any>} components @param {(name: string) => void} onSelect */
function runLayout(state, components, onSelect) {
  const view = {
    // Status: a labelled <output> (implicit role "status"), so its changes are announced.
    status: /** @type {HTMLOutputElement} */ (h("output", { id: "run-status", class: "status-text" })),
    summary: h("div", { class: "summary" }),
    cancel: /** @type {HTMLButtonElement} */ (h("button", { type: "button", class: "danger" }, "Cancel run")),
    rerun: h("button", { type: "button", class: "secondary" }, "Rerun"),
    trouble: h("p", { class: "notice warning", role: "status", hidden: true }),
    graph: drawGraph(graphSteps(state), components, { onSelect, label: `Steps of run ${state.id}` }),
    stepBox: h("section", { class: "panel step-panel", "aria-labelledby": "run-step-title" }, stepPlaceholder()),
    metrics: h("div", {}),
    params: h("div", {}),
    effects: h("section", { class: "panel", "aria-labelledby": "run-deployments-title", hidden: true }),
  };
  const page = [
    pageHeader(`Run ${state.id}`, view.cancel, view.rerun),
    h("div", { class: "status-line" }, h("label", { for: "run-status" }, "Status"), view.status),
    view.trouble, view.summary, view.effects,
    h("div", { class: "run-layout" },
      h("section", { class: "panel graph-panel", "aria-labelledby": "run-graph-title" },
        h("h2", { id: "run-graph-title" }, "Steps"), view.graph.element),
      view.stepBox),
    h("div", { class: "run-extra" },
      h("section", { class: "panel", "aria-labelledby": "run-params-title" }, h("h2", { id: "run-params-title" }, "Parameters"), view.params),
      h("section", { class: "panel", "aria-labelledby": "run-metrics-title" }, h("h2", { id: "run-metrics-title" }, "Metrics"), view.metrics)),
  ];
  return { view, page };
}

/** @typedef {ReturnType<typeof runLayout>["view"]} RunLayout */
/** @typedef {{state: RunState, view: RunLayout, log: ReturnType<typeof logFollower>, main: HTMLElement, signal: AbortSignal}} RunPage */

/** Takes the run as it is now and renders every part from it. @param {RunPage} p @param {RunOut} next */
function update(p, next) {
  const { state, view } = p;
  const moved = next.status !== state.run.status || JSON.stringify(next.steps) !== JSON.stringify(state.run.steps);
  state.run = next;
  view.status.value = next.status;
  view.status.className = `status-text status-${next.status}`;
  view.cancel.hidden = TERMINAL.has(next.status);
  view.rerun.hidden = !TERMINAL.has(next.status);
  for (const s of next.steps) view.graph.setState(s.name, s.status, stepText(s));
  replace(view.summary, summaryPart(state, (e) => showProblem(p.main, e)));
  replace(view.params, parametersPart(next));
  view.effects.hidden = !(next.deployments || []).length;
  replace(view.effects, effectsPart(next));
  replace(view.metrics, runMetricsPart(next));
  if (moved) {
    state.outputs = null;
    if (state.selected) showStep(p, false);
  }
}

/** Renders the selected step's panel, follows its log and reads its outputs. @param {RunPage} p @param {boolean} focus */
async function showStep(p, focus) {
  const { state, view, signal } = p;
  const find = (/** @type {string} */ name) => state.run.steps.find((s) => s.name === name);
  const step = state.selected ? find(state.selected) : undefined;
  if (!step) return;
  const outputsBox = h("div", {}, h("p", { class: "muted" }, "Loading outputs…"));
  replace(view.stepBox, stepPart(step, p.log.pre, outputsBox));
  if (focus) /** @type {HTMLElement} */ (view.stepBox.querySelector("h2")).focus();
  p.log.follow(step.name, find);
  try {
    if (!state.outputs) state.outputs = (await get(`/runs/${seg(state.id)}/outputs`, { signal })).items;
    replace(outputsBox, outputsPart(state.id, step, /** @type {Array<OutputOut>} */ (state.outputs), (e) => showProblem(view.stepBox, e)));
  } catch (error) {
    showProblem(outputsBox, error);
  }
}

/** Cancel and Rerun. @param {RunPage} p */
function wireActions(p) {
  const { view, state, main } = p;
  view.cancel.addEventListener("click", async () => {
    view.cancel.disabled = true;
    try {
      const { data } = await api(`/runs/${seg(state.id)}/cancel`, { method: "POST" });
      update(p, data);
      announce("Cancel requested");
    } catch (error) {
      showProblem(main, error);
    } finally {
      view.cancel.disabled = false;
    }
  });
  view.rerun.addEventListener("click", async () => {
    try {
      const { data } = await api(`/runs/${seg(state.id)}/rerun`, { method: "POST", json: {} });
      location.hash = `#/runs/${seg(data.id)}`;
    } catch (error) {
      showProblem(main, error);
    }
  });
}

/** @param {HTMLElement} main @param {string} id @param {{signal: AbortSignal}} ctx */
async function renderRun(main, id, { signal }) {
  const { state, etag, components } = await loadRunState(id, signal);
  /** @type {(name: string) => void} */
  const select = (name) => {
    state.selected = name;
    p.view.graph.select(name);
    showStep(p, true);
  };
  const { view, page } = runLayout(state, components, select);
  const log = logFollower(id, signal, (e) => showProblem(view.stepBox, e));
  /** @type {RunPage} */
  const p = { state, view, log, main, signal };
  wireActions(p);
  replace(main, page);
  update(p, state.run);
  if (TERMINAL.has(state.run.status)) return;
  follow(id, etag, {
    signal,
    onUpdate: (next) => {
      const before = state.run.status;
      update(p, next);
      if (next.status !== before) announce(`Run ${next.status}`);
    },
    onTrouble: (error) => {
      view.trouble.hidden = !error;
      view.trouble.textContent = error ? `Lost contact with the service (${error.message}); trying again…` : "";
    },
  }).catch((error) => showProblem(main, error));
}
