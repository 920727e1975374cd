// Runs: the list with live status, and a run's page: the graph with each step's
// state, its times, and for the selected step "Outputs + logs" (log, metrics,
// outputs with size and sha256 and a download). Live updates use the long-poll.

import { api, ApiError, download, get, seg } from "../api.js";
import { components as loadComponents } from "../components.js";
import { announce, h, replace } from "../dom.js";
import { bytes, duration, gateScore, metricPairs, number, TERMINAL, time, value as showValue, versionChange } from "../format.js";
import { follow, loadRun } from "../follow.js";
import { drawGraph } from "../graph.js";
import { runTable } from "../runtable.js";
import { badge, details, empty, link, pageHeader, showProblem, table } from "../ui.js";

const LOG_FOLLOW_MS = 2000;

export async function render(main, [id], ctx) {
  if (id) return renderRun(main, id, ctx);
  const filter = {};
  for (const key of ["pipeline_id", "endpoint_id", "status", "experiment"]) {
    if (ctx.query.get(key)) filter[key] = ctx.query.get(key);
  }
  const filtered = Object.keys(filter).length;
  replace(main, pageHeader("Runs"),
    h("p", { class: "lead" }, filtered
      ? ["Runs where ", Object.entries(filter).map(([k, v]) => `${k} is ${v}`).join(" and "), ". ", link("#/runs", "All runs")]
      : "Every run of a draft or of an endpoint, newest first. Statuses update live."));
  await runTable(main, { filter, signal: ctx.signal, emptyText: "No runs yet: submit one from an endpoint (or from a pipeline's page)." });
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

async function renderRun(main, id, { signal }) {
  const [{ run: first, etag }, components] = await Promise.all([loadRun(id, signal), loadComponents(signal)]);
  let run = first;
  let steps = {};
  let selected = null;
  let outputs = null;
  const version = run.endpoint_id
    ? await get(`/endpoints/${seg(run.endpoint_id)}/versions/${run.endpoint_version}`, { signal }).catch(() => null)
    : null;
  const pipeline = version ? null : await get(`/pipelines/${seg(run.pipeline_id)}`, { signal }).catch(() => null);
  const definition = version || pipeline;
  // The graph comes from the definition that ran (the published snapshot or the draft);
  // a draft edited since then may have other steps, so the run's own list wins.
  for (const s of run.steps) {
    steps[s.name] = (definition && definition.steps[s.name]) || { component: s.component, inputs: {} };
  }

  // Status: a labelled <output> (implicit role "status"), so its changes are announced.
  const statusOut = h("output", { id: "run-status", class: "status-text" });
  const summary = h("div", { class: "summary" });
  const cancel = h("button", { type: "button", class: "danger" }, "Cancel run");
  const rerun = h("button", { type: "button", class: "secondary" }, "Rerun");
  const trouble = h("p", { class: "notice warning", role: "status", hidden: true });
  const graph = drawGraph(steps, components, { onSelect: (name) => select(name), label: `Steps of run ${id}` });
  const stepBox = h("section", { class: "panel step-panel", "aria-labelledby": "run-step-title" });
  const runMetrics = h("div", {});
  const params = h("div", {});
  // What the run did to the deployments that follow the model it registered.
  const effects = h("section", { class: "panel", "aria-labelledby": "run-deployments-title", hidden: true });

  cancel.addEventListener("click", async () => {
    cancel.disabled = true;
    try {
      const { data } = await api(`/runs/${seg(id)}/cancel`, { method: "POST" });
      update(data);
      announce("Cancel requested");
    } catch (error) {
      showProblem(main, error);
    } finally {
      cancel.disabled = false;
    }
  });
  rerun.addEventListener("click", async () => {
    try {
      const { data } = await api(`/runs/${seg(id)}/rerun`, { method: "POST", json: {} });
      location.hash = `#/runs/${seg(data.id)}`;
    } catch (error) {
      showProblem(main, error);
    }
  });

  replace(main,
    pageHeader(`Run ${id}`, cancel, rerun),
    h("div", { class: "status-line" }, h("label", { for: "run-status" }, "Status"), statusOut),
    trouble,
    summary,
    effects,
    h("div", { class: "run-layout" },
      h("section", { class: "panel graph-panel", "aria-labelledby": "run-graph-title" },
        h("h2", { id: "run-graph-title" }, "Steps"), graph.element),
      stepBox),
    h("div", { class: "run-extra" },
      h("section", { class: "panel", "aria-labelledby": "run-params-title" }, h("h2", { id: "run-params-title" }, "Parameters"), params),
      h("section", { class: "panel", "aria-labelledby": "run-metrics-title" }, h("h2", { id: "run-metrics-title" }, "Metrics"), runMetrics)));

  const modelLinks = (model) => {
    const href = `/models/${seg(model.name)}/versions/${model.version}/download`;
    const dl = h("a", { href, download: `${model.name}-v${model.version}.joblib`, class: "button-link small" }, "Download model");
    dl.addEventListener("click", (event) => {
      event.preventDefault();
      download(href, `${model.name}-v${model.version}.joblib`).catch((e) => showProblem(main, e));
    });
    return [link(`#/models/${seg(model.name)}/versions/${model.version}`, `${model.name} version ${model.version}`), " (lineage) ", dl];
  };

  function renderSummary() {
    const source = run.endpoint_id
      ? ["Endpoint", [link(`#/endpoints/${seg(version ? version.endpoint_name : run.endpoint_id)}`, version ? version.endpoint_name : run.endpoint_id), ` version ${run.endpoint_version}`]]
      : ["Pipeline", link(`#/pipelines/${seg(run.pipeline_id)}`, pipeline ? pipeline.name : run.pipeline_id)];
    replace(summary, details([
      source,
      ["Experiment", run.experiment || "–"],
      ["Created", time(run.created_at)],
      ["Started", time(run.started_at)],
      ["Finished", time(run.finished_at)],
      ["Duration", duration(run.started_at, run.finished_at)],
      ["Model", run.model ? modelLinks(run.model) : (TERMINAL.has(run.status) ? "none" : "not yet")],
      run.error ? ["Error", h("span", { class: "error-text" }, run.error.step ? `step ${run.error.step}: ${run.error.message}` : run.error.message)] : null,
      ["Pipeline digest", h("code", { class: "wrap-anywhere" }, run.pipeline_digest || "–")],
    ]));
    replace(params, Object.keys(run.parameters || {}).length
      ? table("Parameters of this run", ["Parameter", "Value"], Object.entries(run.parameters).map(([k, v]) =>
        h("tr", {}, h("th", { scope: "row" }, h("code", {}, k)), h("td", { class: "wrap-anywhere" }, showValue(v)))))
      : empty("This run has no parameters."));
    const changed = run.deployments || [];
    effects.hidden = !changed.length;
    replace(effects, h("h2", { id: "run-deployments-title" }, "Deployments"),
      h("p", { class: "muted" }, "What this run's model did to the deployments that follow it: promoted when the gate passed, held when not."),
      changed.length ? table("Deployments this run changed", ["Deployment", "Outcome", "Version", "Gate score", "Message"],
        changed.map((e) => h("tr", {},
          h("th", { scope: "row" }, link(`#/deployments/${seg(e.deployment)}`, e.deployment)),
          h("td", {}, badge(e.reason)),
          h("td", { class: "num" }, versionChange(e.from_version, e.to_version)),
          h("td", { class: "wrap" }, gateScore(e.metrics)),
          h("td", { class: "wrap" }, e.message || "")))) : null);
    replace(runMetrics, metricsTable("Metrics of this run", run.metrics) || empty(TERMINAL.has(run.status) ? "No metrics." : "Metrics appear when the evaluate step has run."));
  }

  function update(next) {
    const changed = next.status !== run.status;
    const stepsChanged = JSON.stringify(next.steps) !== JSON.stringify(run.steps);
    run = next;
    statusOut.value = run.status;
    statusOut.className = `status-text status-${run.status}`;
    cancel.hidden = TERMINAL.has(run.status);
    rerun.hidden = !TERMINAL.has(run.status);
    for (const s of run.steps) graph.setState(s.name, s.status, stepText(s));
    renderSummary();
    if (stepsChanged || changed) {
      outputs = null;
      if (selected) renderStep(false);
    }
  }

  // --- the selected step ------------------------------------------------------------
  const logPre = h("pre", { class: "log", tabindex: "0" });
  let logTimer = null;

  async function loadLog(step) {
    try {
      const { data } = await api(`/runs/${seg(id)}/steps/${seg(step.name)}/logs`, { signal, accept: "text/plain" });
      const atBottom = logPre.scrollTop + logPre.clientHeight >= logPre.scrollHeight - 8;
      logPre.textContent = data || "(the log is empty)";
      // Follow the tail while it grows, unless the person scrolled up to read.
      if (atBottom) logPre.scrollTop = logPre.scrollHeight;
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        logPre.textContent = step.status === "pending" ? "No log yet: the step has not started." : "No log for this step.";
      } else throw error;
    }
  }

  async function followLog(name) {
    clearTimeout(logTimer);
    const step = run.steps.find((s) => s.name === name);
    if (!step || signal.aborted || selected !== name) return;
    await loadLog(step).catch((e) => showProblem(stepBox, e));
    const current = run.steps.find((s) => s.name === name);
    if (current && current.status === "running" && !signal.aborted) {
      logTimer = setTimeout(() => followLog(name), LOG_FOLLOW_MS);
    }
  }
  signal.addEventListener("abort", () => clearTimeout(logTimer));

  async function renderStep(focus) {
    const name = selected;
    const step = run.steps.find((s) => s.name === name);
    if (!step) return;
    const outputsBox = h("div", {}, h("p", { class: "muted" }, "Loading outputs…"));
    const stepMetrics = metricsTable(`Metrics of step ${name}`, step.metrics);
    logPre.setAttribute("aria-label", `Log of step ${name}`);
    replace(stepBox,
      h("h2", { id: "run-step-title", tabindex: "-1" }, `Step ${name}`),
      details([
        ["Component", h("code", {}, `${step.component} ${step.component_version}`)],
        ["State", badge(step.status)],
        ["Started", time(step.started_at)],
        ["Finished", time(step.finished_at)],
        ["Duration", duration(step.started_at, step.finished_at)],
        step.reused_from ? ["Reused from", link(`#/runs/${seg(step.reused_from)}`, step.reused_from)] : null,
        step.error ? ["Error", h("span", { class: "error-text" }, step.error)] : null,
      ]),
      h("section", { class: "outputs-logs", "aria-labelledby": "outputs-logs-title" },
        h("h3", { id: "outputs-logs-title" }, "Outputs + logs"),
        h("h4", {}, "Log"), logPre,
        stepMetrics ? [h("h4", {}, "Metrics"), stepMetrics] : null,
        h("h4", {}, "Outputs"), outputsBox));
    if (focus) stepBox.querySelector("h2").focus();
    followLog(name);
    try {
      if (!outputs) outputs = (await get(`/runs/${seg(id)}/outputs`, { signal })).items;
      const mine = outputs.filter((o) => o.step === name);
      replace(outputsBox, mine.length ? table(`Outputs of step ${name}`, ["Port", "Type", "Size", "sha256", h("span", { class: "visually-hidden" }, "Download")],
        mine.map((o) => {
          const ext = o.type === "model" ? "joblib" : (o.type === "metrics" ? "json" : "parquet");
          const filename = `${id}-${o.step}-${o.port}.${ext}`;
          const button = h("button", { type: "button", class: "secondary small", "aria-label": `Download ${o.step}.${o.port}` }, "Download");
          // The path is built here, never taken from the answer: the token goes only to this service.
          button.addEventListener("click", () => download(`/runs/${seg(id)}/outputs/${seg(o.step)}/${seg(o.port)}`, filename).catch((e) => showProblem(stepBox, e)));
          return h("tr", {},
            h("th", { scope: "row" }, o.port), h("td", {}, o.type), h("td", { class: "num" }, bytes(o.size)),
            h("td", {}, h("code", { class: "sha" }, o.sha256)), h("td", {}, button));
        }))
        : empty(step.status === "succeeded" ? "This step wrote no outputs." : "Outputs appear when the step has succeeded."));
    } catch (error) {
      showProblem(outputsBox, error);
    }
  }

  function select(name) {
    selected = name;
    graph.select(name);
    renderStep(true);
  }

  replace(stepBox, h("h2", { id: "run-step-title" }, "Step details"),
    h("p", { class: "muted" }, "Select a step to see its state, times and Outputs + logs."));
  update(run);

  if (!TERMINAL.has(run.status)) {
    follow(id, etag, {
      signal,
      onUpdate: (next) => {
        const before = run.status;
        update(next);
        if (next.status !== before) announce(`Run ${next.status}`);
      },
      onTrouble: (error) => {
        trouble.hidden = !error;
        trouble.textContent = error ? `Lost contact with the service (${error.message}); trying again…` : "";
      },
    }).catch((error) => showProblem(main, error));
  }
}

