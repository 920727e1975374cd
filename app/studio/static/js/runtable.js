// @ts-check
// The table of runs (Runs page, an endpoint's Runs tab, a pipeline's runs) with live
// status: it follows the oldest unfinished run shown with the long-poll and refreshes
// the rows, updated in place so that nothing moves while runs update.

import { get, getAll, seg } from "./api.js";
import { h, replace } from "./dom.js";
import { duration, TERMINAL, time } from "./format.js";
import { follow, loadRun, sleep } from "./follow.js";
import { badge, empty, link, moreButton, showProblem, table } from "./ui.js";

// One long-poll at a time (browsers allow few connections per host): the oldest unfinished
// run is followed, and the other rows are refreshed with it, at the latest every 10 s.
const ACTIVE_REFRESH_MS = 10_000;
const IDLE_REFRESH_MS = 20_000;

/** @typedef {import("./types.js").RunOut} RunOut */
/** @typedef {import("./types.js").RunPage} RunPage */
/** @typedef {{run: RunOut, row: HTMLElement, status: HTMLElement, duration: HTMLElement, model: HTMLElement}} Row */

/**
 * What the table shows. Its render functions read it; loadMore and refresh change it.
 * @typedef {Object} RunTableState
 * @property {string} query the filter as a query string
 * @property {Record<string, string>} endpointName endpoint id -> name
 * @property {Record<string, string>} pipelineName pipeline id -> name
 * @property {Map<string, Row>} rows by run id
 * @property {Array<HTMLElement>} order the rows, top to bottom
 * @property {string | null} cursor of the next page, null at the end
 * @property {number} limit how many runs a refresh reads again (the rows shown)
 * @property {AbortSignal} signal
 * @property {Set<string> | null} selected the runs chosen to compare (null: the table has no checkboxes)
 * @property {() => void} onSelect called when the choice changes
 */

/** @param {RunTableState} state @param {RunOut} run */
function sourceCell(state, run) {
  if (run.endpoint_id) {
    const name = state.endpointName[run.endpoint_id] || run.endpoint_id;
    return link(`#/endpoints/${seg(name)}`, `${name} v${run.endpoint_version}`);
  }
  const id = run.pipeline_id || "";
  return link(`#/pipelines/${seg(id)}`, state.pipelineName[id] || id);
}

/** The cells that change while a run goes on. @param {RunOut} run */
function liveCells(run) {
  return {
    status: badge(run.status),
    duration: duration(run.started_at, run.finished_at),
    model: run.model ? link(`#/models/${seg(run.model.name)}/versions/${run.model.version}`, `${run.model.name} v${run.model.version}`) : "–",
  };
}

/** A new run's row. @param {RunTableState} state @param {RunOut} run @returns {Row} */
function newRow(state, run) {
  const c = liveCells(run);
  const status = h("td", { class: "status-cell" }, c.status);
  const took = h("td", { class: "num time" }, c.duration);
  const model = h("td", {}, c.model);
  const row = h("tr", {},
    state.selected ? h("td", { class: "select" }, selectBox(state, run.id)) : null,
    h("td", {}, link(`#/runs/${seg(run.id)}`, run.id, { class: "mono" })),
    status,
    h("td", {}, sourceCell(state, run)),
    h("td", {}, run.experiment || "–"),
    h("td", { class: "time" }, time(run.created_at)),
    took,
    model);
  return { run, row, status, duration: took, model };
}

/** The checkbox "Select <run id>". @param {RunTableState} state @param {string} id */
function selectBox(state, id) {
  const box = /** @type {HTMLInputElement} */ (h("input", { type: "checkbox", "aria-label": `Select ${id}`,
    checked: state.selected && state.selected.has(id) }));
  box.addEventListener("change", () => {
    if (!state.selected) return;
    if (box.checked) state.selected.add(id);
    else state.selected.delete(id);
    state.onSelect();
  });
  return box;
}

/** "Compare" (at least two runs chosen) and how many are chosen.
 * @param {RunTableState} state @returns {{element: HTMLElement, update: () => void}} */
function compareBar(state) {
  const button = /** @type {HTMLButtonElement} */ (h("button", { type: "button", class: "secondary" }, "Compare"));
  const count = h("span", { class: "muted", role: "status" });
  button.addEventListener("click", () => {
    if (state.selected && state.selected.size >= 2) {
      location.hash = `#/runs/compare?ids=${[...state.selected].map(encodeURIComponent).join(",")}`;
    }
  });
  const update = () => {
    const n = state.selected ? state.selected.size : 0;
    button.disabled = n < 2;
    count.textContent = n ? `${n} selected` : "Select two or more runs to compare them.";
  };
  update();
  return { element: h("div", { class: "buttons compare-bar" }, button, count), update };
}

/** Updates a known run's row in place, or adds one: returns the new row (null when known).
 * @param {RunTableState} state @param {RunOut} run */
function upsert(state, run) {
  const existing = state.rows.get(run.id);
  if (!existing) {
    const entry = newRow(state, run);
    state.rows.set(run.id, entry);
    return entry.row;
  }
  const c = liveCells(run);
  existing.run = run;
  replace(existing.status, c.status);
  replace(existing.duration, c.duration);
  replace(existing.model, c.model);
  return null;
}

/** The table (or the empty text) and "Load more" while there are more pages.
 * @param {RunTableState} state @param {{caption: string, emptyText: string}} text @param {() => void} onMore */
function tablePart(state, { caption, emptyText }, onMore) {
  return [state.rows.size
    ? table(caption, [state.selected ? h("span", { class: "visually-hidden" }, "Select") : null, "Run", "Status",
      "Pipeline or endpoint", "Experiment", "Created", "Duration", "Model"].filter(Boolean), state.order)
    : empty(emptyText),
  state.cursor ? moreButton(onMore) : null];
}

/** @param {RunTableState} state @param {number} limit @param {string | null} [after] @returns {Promise<RunPage>} */
function fetchRuns(state, limit, after = null) {
  const { query } = state;
  return get(`/runs?${query}${query ? "&" : ""}limit=${limit}${after ? `&cursor=${encodeURIComponent(after)}` : ""}`,
    { signal: state.signal });
}

/** The next page, added at the bottom. @param {RunTableState} state */
async function loadMore(state) {
  const page = await fetchRuns(state, 50, state.cursor);
  state.cursor = page.next_cursor || null;
  for (const run of page.items) {
    const row = upsert(state, run);
    if (row) state.order.push(row);
  }
}

/** New runs go on top; known rows change in place. Returns whether rows were added.
 * @param {RunTableState} state */
async function refresh(state) {
  const page = await fetchRuns(state, Math.min(state.limit, 500));
  const fresh = [];
  for (const run of page.items) {
    const row = upsert(state, run);
    if (row) fresh.push(row);
  }
  state.order.unshift(...fresh);
  return fresh.length > 0;
}

/** Waits for a cue to refresh: a change of the oldest unfinished run shown (or
 * ACTIVE_REFRESH_MS), or IDLE_REFRESH_MS when every run shown is finished.
 * @param {RunTableState} state */
async function nextCue(state) {
  const { signal } = state;
  const active = [...state.rows.values()].map((e) => e.run).filter((r) => !TERMINAL.has(r.status));
  if (!active.length) return sleep(IDLE_REFRESH_MS, signal);
  const oldest = active[active.length - 1];
  const { run, etag } = await loadRun(oldest.id, signal);
  if (run.status !== oldest.status) return;
  const inner = new AbortController();
  const stop = () => inner.abort();
  signal.addEventListener("abort", stop, { once: true });
  const timer = setTimeout(stop, ACTIVE_REFRESH_MS);
  await follow(oldest.id, etag, { signal: inner.signal, onUpdate: stop });
  clearTimeout(timer);
  signal.removeEventListener("abort", stop);
}

/** @param {HTMLElement} container @param {{filter?: Record<string, string>, emptyText: string,
 * signal: AbortSignal, caption?: string, selectable?: boolean}} options (selectable: checkboxes and Compare) */
export async function runTable(container, { filter = {}, emptyText, signal, caption = "Runs", selectable = false }) {
  const [endpoints, pipelines] = await Promise.all([
    getAll("/endpoints", { signal }).catch(() => []),
    getAll("/pipelines", { signal }).catch(() => []),
  ]);
  /** @type {RunTableState} */
  const state = {
    query: new URLSearchParams(filter).toString(),
    endpointName: Object.fromEntries(endpoints.map((e) => [e.id, e.name])),
    pipelineName: Object.fromEntries(pipelines.map((p) => [p.id, p.name])),
    rows: new Map(), order: [], cursor: null, limit: 50, signal,
    selected: selectable ? new Set() : null, onSelect: () => {},
  };
  const body = h("div", {});
  if (selectable) {
    const bar = compareBar(state);
    state.onSelect = bar.update;
    container.append(bar.element);
  }
  container.append(body);
  const render = () => replace(body, tablePart(state, { caption, emptyText }, async () => {
    try {
      state.limit += 50;
      await loadMore(state);
      render();
    } catch (e) {
      showProblem(body, e);
    }
  }));
  await loadMore(state);
  render();
  (async () => {
    while (!signal.aborted) {
      try {
        await nextCue(state);
        if (!signal.aborted && await refresh(state)) render();
      } catch {
        if (signal.aborted) return;
        await sleep(5000, signal);
      }
    }
  })();
}
