// @ts-check
// Models: registered models, their versions (metrics, download) and a version's
// lineage (the run, the endpoint version, the parameters and the data it read).

import { download, get, getAll, seg } from "../api.js";
import { h, replace } from "../dom.js";
import { breakable, bytes, metricPairs, number, time, value as showValue } from "../format.js";
import { details, empty, link, moreButton, pageHeader, showProblem, table } from "../ui.js";
import { newDeploymentDialog } from "./deployments.js";

export async function render(main, [name, , version], ctx) {
  if (name && version) return renderVersion(main, name, version, ctx);
  if (name) return renderModel(main, name, ctx);
  replace(main, pageHeader("Models"),
    h("p", { class: "lead" }, "Every successful run that trains registers a model version, with its metrics and lineage."));
  const body = h("div", {});
  main.append(body);
  const rows = [];
  let cursor = null;
  const load = async () => {
    const page = await get(`/models?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, { signal: ctx.signal });
    cursor = page.next_cursor;
    for (const m of page.items) {
      rows.push(h("tr", {},
        h("td", {}, link(`#/models/${seg(m.name)}`, m.name)),
        h("td", { class: "num" }, link(`#/models/${seg(m.name)}/versions/${m.latest_version}`, `version ${m.latest_version}`)),
        h("td", { class: "num" }, String(m.versions)),
        h("td", { class: "time" }, time(m.updated_at))));
    }
    replace(body, rows.length ? table("Models", ["Name", "Latest", "Versions", "Updated"], rows)
      : empty("No models yet: a run whose pipeline trains a model registers one when it succeeds."),
    cursor ? moreButton(() => load().catch((e) => showProblem(body, e))) : null);
  };
  await load();
}

function headline(metrics) {
  return metricPairs(metrics).slice(0, 3).map(([k, v]) => `${k} ${number(v)}`).join(" · ") || "–";
}

function downloadButton(name, version, label = "Download") {
  const button = h("button", { type: "button", class: "secondary small", "aria-label": label === "Download" ? `Download version ${version}` : undefined }, label);
  button.addEventListener("click", () => download(`/models/${seg(name)}/versions/${version}/download`, `${name}-v${version}.joblib`)
    .catch((e) => showProblem(button.closest("main"), e)));
  return button;
}

async function renderModel(main, name, { signal }) {
  const versions = await getAll(`/models/${seg(name)}/versions`, { signal });
  versions.sort((a, b) => b.version - a.version);
  replace(main, pageHeader(name),
    h("p", { class: "lead" }, `${versions.length} version${versions.length === 1 ? "" : "s"}, newest first.`),
    versions.length ? table(`Versions of ${name}`, ["Version", "Created", "Algorithm", "Metrics", "Run", "Size", h("span", { class: "visually-hidden" }, "Download")],
      versions.map((v) => h("tr", {},
        h("th", { scope: "row" }, link(`#/models/${seg(name)}/versions/${v.version}`, `Version ${v.version}`)),
        h("td", { class: "time" }, time(v.created_at)),
        h("td", {}, v.algorithm || "–"),
        h("td", {}, headline(v.metrics)),
        h("td", {}, v.lineage ? link(`#/runs/${seg(v.lineage.run_id)}`, v.lineage.run_id, { class: "mono" }) : "–"),
        h("td", { class: "num" }, bytes(v.size)),
        h("td", {}, downloadButton(name, v.version)))))
      : empty("No versions yet."));
}

/** Deploy: the "New deployment" dialog for this version (pinned, or followed from it). */
function deployButton(name, version, signal) {
  return h("button", { type: "button", onclick: () => newDeploymentDialog({ model: name, version, signal }) }, "Deploy");
}

async function renderVersion(main, name, number_, { signal }) {
  const v = await get(`/models/${seg(name)}/versions/${seg(number_)}`, { signal });
  const lineage = v.lineage || {};
  const endpoint = lineage.endpoint_id
    ? await get(`/endpoints/${seg(lineage.endpoint_id)}`, { signal }).catch(() => null) : null;
  const metrics = metricPairs(v.metrics);
  replace(main,
    pageHeader(`${name} version ${v.version}`, deployButton(name, v.version, signal), downloadButton(name, v.version, "Download model")),
    h("p", { class: "lead" }, link(`#/models/${seg(name)}`, `All versions of ${name}`)),
    h("div", { class: "run-extra" },
      h("section", { class: "panel", "aria-labelledby": "model-title" }, h("h2", { id: "model-title" }, "Model"),
        details([
          ["Created", time(v.created_at)],
          ["Algorithm", v.algorithm || "–"],
          ["Task", v.task || "–"],
          ["Label column", v.label_column || "–"],
          ["Feature columns", (v.feature_columns || []).join(", ") || "–"],
          v.classes ? ["Classes", v.classes.map(String).join(", ")] : null,
          ["Hyperparameters", Object.entries(v.hyperparameters || {}).map(([k, x]) => `${k}=${showValue(x)}`).join(", ") || "–"],
          ["Size", bytes(v.size)],
          ["sha256", h("code", { class: "sha" }, v.sha256)],
        ])),
      h("section", { class: "panel", "aria-labelledby": "metrics-title" }, h("h2", { id: "metrics-title" }, "Metrics"),
        metrics.length ? table("Metrics", ["Metric", "Value"], metrics.map(([k, x]) => h("tr", {}, h("th", { scope: "row" }, k), h("td", { class: "num" }, number(x))))) : empty("No metrics."))),
    h("section", { class: "panel", "aria-labelledby": "lineage-title" }, h("h2", { id: "lineage-title" }, "Lineage"),
      details([
        ["Run", lineage.run_id ? link(`#/runs/${seg(lineage.run_id)}`, lineage.run_id) : "–"],
        ["Training step", lineage.step || "–"],
        ["Endpoint", lineage.endpoint_id ? [link(`#/endpoints/${seg(endpoint ? endpoint.name : lineage.endpoint_id)}`, endpoint ? endpoint.name : lineage.endpoint_id), ` version ${lineage.endpoint_version}`] : "none (a draft run)"],
        ["Pipeline", lineage.pipeline_id ? link(`#/pipelines/${seg(lineage.pipeline_id)}`, lineage.pipeline_id) : "–"],
        ["Pipeline digest", h("code", { class: "sha" }, lineage.pipeline_digest || "–")],
      ]),
      h("h3", {}, "Parameters"),
      Object.keys(lineage.parameters || {}).length
        ? table("Parameters", ["Parameter", "Value"], Object.entries(lineage.parameters).map(([k, x]) => h("tr", {}, h("th", { scope: "row" }, h("code", {}, k)), h("td", { class: "wrap-anywhere" }, breakable(x)))))
        : empty("No parameters."),
      h("h3", {}, "Data read"),
      (lineage.data || []).length
        ? table("Data read", ["Step", "Path", "Size", "sha256"], lineage.data.map((d) => h("tr", {},
          h("td", {}, d.step), h("td", { class: "wrap-anywhere" }, breakable(d.path)), h("td", { class: "num" }, bytes(d.size)), h("td", {}, h("code", { class: "sha" }, d.sha256)))))
        : empty("No data files.")),
    v.library_versions ? h("section", { class: "panel", "aria-labelledby": "libs-title" }, h("h2", { id: "libs-title" }, "Library versions"),
      h("p", {}, Object.entries(v.library_versions).map(([k, x]) => `${k} ${x}`).join(" · "))) : null);
}
