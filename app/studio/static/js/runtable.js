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

export async function runTable(container, { filter = {}, emptyText, signal, caption = "Runs" }) {
  const query = new URLSearchParams(filter).toString();
  const [endpoints, pipelines] = await Promise.all([
    getAll("/endpoints", { signal }).catch(() => []),
    getAll("/pipelines", { signal }).catch(() => []),
  ]);
  const endpointName = Object.fromEntries(endpoints.map((e) => [e.id, e.name]));
  const pipelineName = Object.fromEntries(pipelines.map((p) => [p.id, p.name]));
  const rows = new Map();
  const tbody = [];
  let cursor = null;
  let limit = 50;

  const source = (run) => {
    if (run.endpoint_id) {
      const name = endpointName[run.endpoint_id] || run.endpoint_id;
      return link(`#/endpoints/${seg(name)}`, `${name} v${run.endpoint_version}`);
    }
    return link(`#/pipelines/${seg(run.pipeline_id)}`, pipelineName[run.pipeline_id] || run.pipeline_id);
  };

  const cells = (run) => ({
    status: badge(run.status),
    duration: duration(run.started_at, run.finished_at),
    model: run.model ? link(`#/models/${seg(run.model.name)}/versions/${run.model.version}`, `${run.model.name} v${run.model.version}`) : "–",
  });

  const upsert = (run) => {
    const existing = rows.get(run.id);
    const c = cells(run);
    if (existing) {
      existing.run = run;
      replace(existing.status, c.status);
      replace(existing.duration, c.duration);
      replace(existing.model, c.model);
      return null;
    }
    const entry = {
      run,
      status: h("td", { class: "status-cell" }, c.status),
      duration: h("td", { class: "num time" }, c.duration),
      model: h("td", {}, c.model),
    };
    entry.row = h("tr", {},
      h("td", {}, link(`#/runs/${seg(run.id)}`, run.id, { class: "mono" })),
      entry.status,
      h("td", {}, source(run)),
      h("td", {}, run.experiment || "–"),
      h("td", { class: "time" }, time(run.created_at)),
      entry.duration,
      entry.model);
    rows.set(run.id, entry);
    return entry.row;
  };

  const body = h("div", {});
  container.append(body);
  const render = () => {
    replace(body, rows.size
      ? table(caption, ["Run", "Status", "Pipeline or endpoint", "Experiment", "Created", "Duration", "Model"], tbody)
      : empty(emptyText),
    cursor ? moreButton(async () => {
      try {
        limit += 50;
        await loadMore();
      } catch (e) {
        showProblem(body, e);
      }
    }) : null);
  };

  const fetchPage = (after) => get(`/runs?${query}${query ? "&" : ""}limit=50${after ? `&cursor=${encodeURIComponent(after)}` : ""}`, { signal });
  const loadMore = async () => {
    const page = await fetchPage(cursor);
    cursor = page.next_cursor;
    for (const run of page.items) {
      const row = upsert(run);
      if (row) tbody.push(row);
    }
    render();
  };
  await loadMore();

  /** New runs go on top; known rows change in place. */
  const refresh = async () => {
    const page = await get(`/runs?${query}${query ? "&" : ""}limit=${Math.min(limit, 500)}`, { signal });
    const fresh = [];
    for (const run of page.items) {
      const row = upsert(run);
      if (row) fresh.push(row);
    }
    if (fresh.length) {
      tbody.unshift(...fresh);
      render();
    }
  };

  (async () => {
    while (!signal.aborted) {
      const active = [...rows.values()].map((e) => e.run).filter((r) => !TERMINAL.has(r.status));
      try {
        if (active.length) {
          const oldest = active[active.length - 1];
          const { run, etag } = await loadRun(oldest.id, signal);
          if (run.status === oldest.status) {
            // A change of that run (or 10 s) is the cue to refresh every row.
            const inner = new AbortController();
            const stop = () => inner.abort();
            signal.addEventListener("abort", stop, { once: true });
            const timer = setTimeout(stop, ACTIVE_REFRESH_MS);
            await follow(oldest.id, etag, { signal: inner.signal, onUpdate: stop });
            clearTimeout(timer);
            signal.removeEventListener("abort", stop);
          }
        } else {
          await sleep(IDLE_REFRESH_MS, signal);
        }
        if (!signal.aborted) await refresh();
      } catch {
        if (signal.aborted) return;
        await sleep(5000, signal);
      }
    }
  })();
}
