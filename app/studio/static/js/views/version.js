// @ts-check
// A published version's page: its graph and parameters, read only (a version never
// changes), and "Edit as new draft", which copies it into a new draft for the designer.

import { api, get, seg } from "../api.js";
import { components as loadComponents } from "../components.js";
import { h, replace } from "../dom.js";
import { breakable, time } from "../format.js";
import { drawGraph } from "../graph.js";
import { empty, link, pageHeader, showFieldErrors, table } from "../ui.js";

/** @typedef {import("../types.js").VersionOut} VersionOut */

/** The new draft's body: the version's definition under a name of its own.
 * @param {VersionOut} v @returns {any} */
function draftBody(v) {
  return {
    name: `${v.endpoint_name}-v${v.version}-draft`.slice(0, 100),
    description: `Edited from ${v.endpoint_name} version ${v.version}${v.description ? `: ${v.description}` : ""}`.slice(0, 5000),
    parameters: v.parameters,
    steps: v.steps || {},
    ...(v.layout ? { layout: v.layout } : {}),
  };
}

/** @param {HTMLElement} main @param {string} endpoint @param {string} number @param {{signal: AbortSignal}} ctx */
export async function renderVersion(main, endpoint, number, { signal }) {
  const [v, components] = await Promise.all([
    get(`/endpoints/${seg(endpoint)}/versions/${seg(number)}`, { signal }), loadComponents(signal)]);
  const editButton = h("button", { type: "button" }, "Edit as new draft");
  const problemBox = h("div", { class: "form" }, h("div", { class: "form-problem" }));
  editButton.addEventListener("click", async () => {
    editButton.disabled = true;
    try {
      const { data } = await api("/pipelines", { method: "POST", json: draftBody(v) });
      location.hash = `#/pipelines/${seg(data.id)}`;
    } catch (error) {
      showFieldErrors(problemBox, error, () => null);
      editButton.disabled = false;
    }
  });
  const params = Object.entries(v.parameters || {}).map(([name, p]) => h("tr", {},
    h("th", { scope: "row" }, h("code", {}, name)), h("td", {}, p.type),
    h("td", { class: "wrap" }, p.default !== undefined && p.default !== null ? breakable(p.default) : h("em", {}, "required"))));
  const graph = v.steps ? drawGraph(v.steps, components, { label: `Graph of ${v.endpoint_name} version ${v.version}` }).element
    : empty("The steps of this version need the pipelines:read scope.");
  replace(main,
    pageHeader(`${v.endpoint_name} version ${v.version}`, editButton),
    h("p", { class: "lead" }, v.description || ""),
    h("p", { class: "meta" }, `Published ${time(v.created_at)}`, v.is_default ? " · the default version" : "", " · ",
      link(`#/endpoints/${seg(v.endpoint_name)}`, `Endpoint ${v.endpoint_name}`), " · digest ", h("code", { class: "sha" }, v.pipeline_digest)),
    problemBox,
    h("section", { class: "panel", "aria-labelledby": "version-graph" }, h("h2", { id: "version-graph" }, "Graph"), graph),
    h("section", { class: "panel", "aria-labelledby": "version-params" }, h("h2", { id: "version-params" }, "Parameters"),
      params.length ? table("Parameters of this version", ["Name", "Type", "Default"], params) : empty("No parameters.")));
}

