// @ts-check
// Pipelines: the list of drafts and New pipeline; a draft's page is the designer
// (views/designer.js).

import { api, ApiError, get, seg } from "../api.js";
import { components as loadComponents } from "../components.js";
import { h, replace } from "../dom.js";
import { time } from "../format.js";
import { dialog, empty, field, link, moreButton, pageHeader, showFieldErrors, showProblem, table } from "../ui.js";
import { renderDesigner } from "./designer.js";

export async function render(main, [id], ctx) {
  if (id) return renderPipeline(main, id, ctx);
  return renderList(main, ctx);
}

async function renderList(main, { signal }) {
  const header = pageHeader("Pipelines",
    h("button", { type: "button", onclick: () => newPipelineDialog() }, "New pipeline"));
  const body = h("div", {});
  replace(main, header, h("p", { class: "lead" },
    "Drafts of training pipelines. Open one to build it on the canvas, promote settings to pipeline parameters, run it and publish it to an endpoint."), body);
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
      : empty("No pipelines yet: create one with New pipeline, then build it on the canvas (or import a definition file, such as examples/income-prediction/pipeline.json)."),
    cursor ? moreButton(() => load().catch((e) => showProblem(body, e))) : null);
  };
  await load();
}

function newPipelineDialog() {
  const name = h("input", { type: "text", autocomplete: "off", spellcheck: "false", required: true });
  const file = h("input", { type: "file", accept: "application/json,.json" });
  const create = h("button", { type: "submit" }, "Create");
  const form = h("form", { class: "form", novalidate: true },
    h("p", { class: "muted" }, "A new draft starts empty: build it on the canvas. Or import a pipeline definition (JSON with name, description, parameters and steps)."),
    h("div", { class: "form-problem" }),
    field("Name", name, { name: "name", hint: "Letters, digits, . _ and -. With a file: replaces the name in it." }),
    field("Pipeline definition (JSON file)", file, { name: "file", hint: "Optional." }),
    h("div", { class: "buttons" }, create));
  const dlg = dialog("New pipeline", form);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    create.disabled = true;
    try {
      const spec = await newSpec(file, name.value.trim());
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

/** The body of POST /pipelines: the file's definition (renamed when a name is given), or an
 * empty draft by that name. @param {HTMLInputElement} file @param {string} name */
async function newSpec(file, name) {
  const refuse = (/** @type {string} */ where, /** @type {string} */ msg) => new ApiError(422, { title: "Invalid input", errors: [{ loc: [where], msg }] });
  if (!file.files.length) {
    if (!name) throw new ApiError(422, { title: "Invalid input", errors: [{ loc: ["body", "name"], msg: "Name the new pipeline (or choose a definition file)." }] });
    return { name, steps: {} };
  }
  let spec;
  try {
    spec = JSON.parse(await file.files[0].text());
  } catch (error) {
    throw refuse("file", `Not JSON: ${error.message}`);
  }
  if (name) spec.name = name;
  return spec;
}

async function renderPipeline(main, id, { signal }) {
  const [pipeline, components] = await Promise.all([get(`/pipelines/${seg(id)}`, { signal }), loadComponents(signal)]);
  renderDesigner(main, id, pipeline, components, signal);
}
