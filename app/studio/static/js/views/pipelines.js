// @ts-check
// Pipelines: the list of drafts, and a draft's page (graph, step settings, pipeline
// parameters, Submit and Publish).

import { api, ApiError, get, seg } from "../api.js";
import { components as loadComponents } from "../components.js";
import { h, replace } from "../dom.js";
import { time } from "../format.js";
import { drawGraph } from "../graph.js";
import { submitRunDialog } from "../runform.js";
import { dialog, empty, field, link, moreButton, pageHeader, showFieldErrors, showProblem, table } from "../ui.js";
import { publishDialog } from "./publish.js";
import { parametersPanel, settingsPanel } from "./pipeline-settings.js";

export async function render(main, [id], ctx) {
  if (id) return renderPipeline(main, id, ctx);
  return renderList(main, ctx);
}

async function renderList(main, { signal }) {
  const header = pageHeader("Pipelines",
    h("button", { type: "button", onclick: () => newPipelineDialog() }, "New pipeline"));
  const body = h("div", {});
  replace(main, header, h("p", { class: "lead" },
    "Drafts of training pipelines. Open one to see its graph, promote settings to pipeline parameters, run it and publish it to an endpoint."), body);
  const rows = [];
  const tbody = [];
  let cursor = null;
  const load = async () => {
    const page = await get(`/pipelines?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, { signal });
    cursor = page.next_cursor;
    for (const p of page.items) {
      rows.push(p);
      tbody.push(h("tr", {},
        h("td", {}, link(`#/pipelines/${seg(p.id)}`, p.name)),
        h("td", {}, p.description || ""),
        h("td", { class: "num" }, String(Object.keys(p.steps || {}).length)),
        h("td", {}, Object.keys(p.parameters || {}).join(", ") || "–"),
        h("td", { class: "time" }, time(p.updated_at))));
    }
    replace(body, rows.length
      ? table("Pipelines", ["Name", "Description", "Steps", "Parameters", "Updated"], tbody)
      : empty("No pipelines yet: create one with New pipeline (from a pipeline definition file, such as examples/income-prediction/pipeline.json)."),
    cursor ? moreButton(() => load().catch((e) => showProblem(body, e))) : null);
  };
  await load();
}

function newPipelineDialog() {
  const file = h("input", { type: "file", accept: "application/json,.json" });
  const name = h("input", { type: "text", autocomplete: "off", placeholder: "optional" });
  const create = h("button", { type: "submit" }, "Create");
  const form = h("form", { class: "form", novalidate: true },
    h("p", { class: "muted" }, "A pipeline definition is JSON with name, description, parameters and steps (GET /components lists the steps)."),
    h("div", { class: "form-problem" }),
    field("Pipeline definition (JSON file)", file, { name: "file" }),
    field("Name", name, { name: "name", hint: "Replaces the name in the file." }),
    h("div", { class: "buttons" }, create));
  const dlg = dialog("New pipeline", form);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    create.disabled = true;
    try {
      if (!file.files.length) throw new ApiError(422, { title: "Invalid input", errors: [{ loc: ["file"], msg: "Choose a JSON file." }] });
      let spec;
      try {
        spec = JSON.parse(await file.files[0].text());
      } catch (error) {
        throw new ApiError(422, { title: "Invalid input", errors: [{ loc: ["file"], msg: `Not JSON: ${error.message}` }] });
      }
      if (name.value.trim()) spec.name = name.value.trim();
      const { data } = await api("/pipelines", { method: "POST", json: spec });
      dlg.close();
      location.hash = `#/pipelines/${seg(data.id)}`;
    } catch (error) {
      showFieldErrors(form, error, (loc) => (loc[0] === "file" ? "file" : (loc[1] === "name" ? "name" : null)));
    } finally {
      create.disabled = false;
    }
  });
}

async function renderPipeline(main, id, { signal }) {
  const [pipeline, components] = await Promise.all([get(`/pipelines/${seg(id)}`, { signal }), loadComponents(signal)]);
  const state = { pipeline, selected: null };

  const graphBox = h("section", { class: "panel graph-panel", "aria-labelledby": "graph-title" });
  const stepBox = h("section", { class: "panel step-panel", "aria-labelledby": "step-title" });
  const paramBox = h("section", { class: "panel params-panel", "aria-labelledby": "params-title" });
  const status = h("div", { class: "save-status", role: "status" });

  /** Saves a changed definition with PUT; re-renders on success. Throws ApiError (422). */
  const save = async (spec, message) => {
    const { data } = await api(`/pipelines/${seg(id)}`, { method: "PUT", json: spec });
    state.pipeline = data;
    draw();
    status.textContent = message;
    return data;
  };

  let graph = null;
  const select = (name) => {
    state.selected = name;
    graph.select(name);
    settingsPanel(stepBox, state, components, save);
    // On a narrow screen the settings are below the graph: bring them into view.
    const top = stepBox.getBoundingClientRect().top;
    if (top > window.innerHeight || top < 0) stepBox.scrollIntoView({ block: "start", behavior: "smooth" });
  };

  const draw = () => {
    graph = drawGraph(state.pipeline.steps, components, { onSelect: select, label: `Graph of ${state.pipeline.name}` });
    replace(graphBox, h("h2", { id: "graph-title" }, "Graph"), graph.element);
    if (state.selected && !state.pipeline.steps[state.selected]) state.selected = null;
    if (state.selected) graph.select(state.selected);
    settingsPanel(stepBox, state, components, save);
    parametersPanel(paramBox, state, save);
    replace(titleBox, state.pipeline.name);
    replace(descBox, state.pipeline.description || "");
  };

  const submitButton = h("button", { type: "button" }, "Submit");
  submitButton.addEventListener("click", () => submitRunDialog({
    parameters: state.pipeline.parameters,
    intro: `Runs the current draft of ${state.pipeline.name}.`,
    signal,
    send: async (body) => (await api(`/pipelines/${seg(id)}/runs`, { method: "POST", json: body })).data,
    onStarted: (run) => { location.hash = `#/runs/${seg(run.id)}`; },
  }));
  const publishButton = h("button", { type: "button", class: "secondary" }, "Publish");
  publishButton.addEventListener("click", () => publishDialog(state.pipeline, signal));
  const runsLink = link(`#/runs?pipeline_id=${seg(id)}`, "Runs of this pipeline", { class: "button-link secondary" });

  const header = pageHeader("", submitButton, publishButton, runsLink);
  const titleBox = header.querySelector("h1");
  const descBox = h("p", { class: "lead" });
  replace(main, header, descBox,
    h("p", { class: "muted meta" }, `Draft ${id} · updated ${time(pipeline.updated_at)}`),
    status,
    h("div", { class: "pipeline-layout" }, h("div", { class: "main-col" }, graphBox, paramBox), stepBox));
  draw();
}
