// @ts-check
// Endpoints: the list, and an endpoint's page with the tabs "Published pipelines"
// (every version, the default marked, set default, enable or disable, Submit) and
// "Runs".

import { api, get, seg } from "../api.js";
import { announce, h, replace } from "../dom.js";
import { time } from "../format.js";
import { submitRunDialog } from "../runform.js";
import { runTable } from "../runtable.js";
import { badge, empty, link, moreButton, pageHeader, showProblem, table, tabs } from "../ui.js";
import { renderVersion } from "./version.js";

/** @typedef {import("../types.js").EndpointOut} EndpointOut */
/** @typedef {import("../types.js").VersionOut} VersionOut */

export async function render(main, [id, tab, number], ctx) {
  if (id && tab === "versions" && number) return renderVersion(main, id, number, ctx);
  if (id) return renderEndpoint(main, id, tab || "versions", ctx);
  replace(main, pageHeader("Endpoints"),
    h("p", { class: "lead" }, "Pipeline endpoints: published, versioned pipelines that retrain with one call (POST /endpoints/{name}/runs) or with Submit here."));
  const body = h("div", {});
  main.append(body);
  const rows = [];
  let cursor = null;
  const load = async () => {
    const page = await get(`/endpoints?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, { signal: ctx.signal });
    cursor = page.next_cursor;
    for (const e of page.items) {
      rows.push(h("tr", {},
        h("td", {}, link(`#/endpoints/${seg(e.name)}`, e.name)),
        h("td", {}, e.description || ""),
        h("td", {}, badge(e.enabled ? "enabled" : "disabled")),
        h("td", { class: "num" }, e.default_version ?? "–"),
        h("td", { class: "num" }, e.latest_version ?? "–"),
        h("td", { class: "time" }, time(e.updated_at))));
    }
    replace(body, rows.length
      ? table("Endpoints", ["Name", "Description", "State", "Default version", "Latest version", "Updated"], rows)
      : empty("No endpoints yet: publish a pipeline from its page (Publish)."),
    cursor ? moreButton(() => load().catch((e) => showProblem(body, e))) : null);
  };
  await load();
}

// --- an endpoint's page: a state object and functions of it ---------------------------

/**
 * @typedef {Object} EndpointState
 * @property {EndpointOut} endpoint as the server last answered
 * @property {HTMLElement} main
 * @property {AbortSignal} signal
 */

/** "Published pipelines": every version, with Submit and Set as default.
 * @param {EndpointState} state @param {HTMLElement} panel */
async function versionsPanel(state, panel) {
  const { signal } = state;
  const page = await get(`/endpoints/${seg(state.endpoint.name)}/versions?limit=500`, { signal });
  /** @type {Array<VersionOut>} */
  const versions = page.items.sort((/** @type {VersionOut} */ a, /** @type {VersionOut} */ b) => b.version - a.version);
  const rows = versions.map((v) => {
    const submit = h("button", { type: "button" }, "Submit");
    submit.addEventListener("click", () => openSubmit(state, v.version));
    const setDefault = v.is_default ? null : h("button", { type: "button", class: "secondary small" }, "Set as default");
    if (setDefault) {
      setDefault.addEventListener("click", async () => {
        try {
          state.endpoint = (await api(`/endpoints/${seg(state.endpoint.name)}`, { method: "PATCH", json: { default_version: v.version } })).data;
          announce(`Version ${v.version} is the default`);
          await versionsPanel(state, panel);
        } catch (error) {
          showProblem(panel, error);
        }
      });
    }
    return h("tr", {},
      h("th", { scope: "row" }, link(`#/endpoints/${seg(state.endpoint.name)}/versions/${v.version}`, `Version ${v.version}`), v.is_default ? [" ", h("span", { class: "badge default" }, "default")] : null),
      h("td", {}, v.description || ""),
      h("td", {}, Object.keys(v.parameters || {}).join(", ") || "–"),
      h("td", {}, link(`#/pipelines/${seg(v.pipeline_id)}`, "draft", { "aria-label": `Draft of version ${v.version}` })),
      h("td", { class: "time" }, time(v.created_at)),
      h("td", { class: "actions" }, submit, setDefault));
  });
  replace(panel, rows.length
    ? table(`Published pipelines of ${state.endpoint.name}`, ["Version", "Description", "Parameters", "Pipeline", "Published", h("span", { class: "visually-hidden" }, "Actions")], rows)
    : empty("No versions yet: publish a pipeline to this endpoint from the pipeline's page."));
}

/** "Submit run" for a published version. @param {EndpointState} state @param {number} number */
async function openSubmit(state, number) {
  const { endpoint, signal } = state;
  try {
    const version = await get(`/endpoints/${seg(endpoint.name)}/versions/${number}`, { signal });
    submitRunDialog({
      parameters: version.parameters,
      intro: `Retrains ${endpoint.name} version ${number}${version.is_default ? " (the default)" : ""}. Unset values take their defaults.`,
      signal,
      send: async (body) => (await api(`/endpoints/${seg(endpoint.name)}/runs`, {
        method: "POST", json: { ...body, version: number },
      })).data,
      onStarted: (run) => { location.hash = `#/runs/${seg(run.id)}`; },
    });
  } catch (error) {
    showProblem(state.main, error);
  }
}

/** The tabs; the selected one is part of the address, so a reload or a shared link opens it again.
 * @param {EndpointState} state @param {HTMLElement} tabBox */
function endpointTabs(state, tabBox) {
  const { signal } = state;
  const panels = [
    { id: "versions", label: "Published pipelines", render: (/** @type {HTMLElement} */ panel) => versionsPanel(state, panel).catch((e) => showProblem(panel, e)) },
    { id: "runs", label: "Runs", render: (/** @type {HTMLElement} */ panel) => runTable(panel, {
      filter: { endpoint_id: state.endpoint.id }, signal, caption: `Runs of ${state.endpoint.name}`,
      emptyText: "No runs yet: submit one from the Published pipelines tab.",
    }).catch((e) => showProblem(panel, e)) },
  ];
  const showTab = (/** @type {string} */ which, /** @type {{focus?: boolean}} */ { focus } = {}) => {
    const hash = `#/endpoints/${seg(state.endpoint.name)}${which === "runs" ? "/runs" : ""}`;
    if (location.hash !== hash) history.replaceState(null, "", hash);
    replace(tabBox, tabs(`${state.endpoint.name} sections`, panels, which, showTab));
    if (focus) /** @type {HTMLElement} */ (tabBox.querySelector("[role=tab][aria-selected=true]")).focus();
  };
  return showTab;
}

/** @param {HTMLElement} main @param {string} id @param {string} tab @param {{signal: AbortSignal}} ctx */
async function renderEndpoint(main, id, tab, { signal }) {
  /** @type {EndpointState} */
  const state = { endpoint: await get(`/endpoints/${seg(id)}`, { signal }), main, signal };
  const stateBox = h("span", {});
  const toggle = /** @type {HTMLButtonElement} */ (h("button", { type: "button", class: "secondary" }));
  const tabBox = h("div", {});
  const disabledNote = h("p", { class: "notice warning", hidden: true },
    "This endpoint is disabled: it refuses new runs (409) until it is enabled again.");
  const showState = () => {
    replace(stateBox, badge(state.endpoint.enabled ? "enabled" : "disabled"));
    disabledNote.hidden = state.endpoint.enabled;
    toggle.textContent = state.endpoint.enabled ? "Disable endpoint" : "Enable endpoint";
  };
  toggle.addEventListener("click", async () => {
    toggle.disabled = true;
    try {
      state.endpoint = (await api(`/endpoints/${seg(state.endpoint.name)}`, { method: "PATCH", json: { enabled: !state.endpoint.enabled } })).data;
      showState();
      announce(state.endpoint.enabled ? "Endpoint enabled" : "Endpoint disabled");
    } catch (error) {
      showProblem(main, error);
    } finally {
      toggle.disabled = false;
    }
  });
  const { endpoint } = state;
  replace(main,
    pageHeader(endpoint.name, toggle),
    h("p", { class: "lead" }, endpoint.description || ""),
    h("p", { class: "meta" }, "State: ", stateBox, " · id ", h("code", {}, endpoint.id),
      " · retrain with ", h("code", {}, `POST /endpoints/${endpoint.name}/runs`)),
    disabledNote,
    tabBox);
  showState();
  endpointTabs(state, tabBox)(tab === "runs" ? "runs" : "versions");
}
