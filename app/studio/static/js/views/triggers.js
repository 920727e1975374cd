// @ts-check
// An endpoint's Triggers tab (contract section 13): its triggers with the next fire time
// and the last firing, "New trigger" (a schedule, cron or interval, or new data under a
// datastore folder), enable or disable, delete, and a trigger's firings history.
// The tab keeps what it shows in one state object (TriggersState); each part is rendered
// by a function of it.

import { api, ApiError, get, seg } from "../api.js";
import { announce, h, replace } from "../dom.js";
import { time } from "../format.js";
import {
  badge, clearFieldErrors, dialog, empty, field, link, moreButton, problem, showFieldErrors, showProblem, table,
} from "../ui.js";

/** @typedef {import("../types.js").FiringOut} FiringOut */
/** @typedef {import("../types.js").RunOut} RunOut */
/** @typedef {import("../types.js").TriggerOut} TriggerOut */

/**
 * @typedef {Object} TriggersState
 * @property {{id: string, name: string}} endpoint
 * @property {Array<TriggerOut>} triggers as the server last answered
 * @property {HTMLElement} panel
 * @property {HTMLElement} listBox
 * @property {AbortSignal} signal
 */

/** A 4xx is the server's answer (shown), not a defect (logged). @param {HTMLElement} box @param {any} error */
function refused(box, error) {
  if (!(error instanceof ApiError) || error.status >= 500) {
    showProblem(box, error);
    return;
  }
  box.querySelector(":scope > .problem")?.remove();
  box.prepend(problem(error));
}

/** When it fires, in words. @param {TriggerOut} t */
export function when(t) {
  if (t.kind === "data") {
    return [`new files in ${t.watch}`, t.debounce_seconds ? `, settled ${t.debounce_seconds} s` : "",
      t.each ? ", one run per file" : ", one run for the newest"];
  }
  if (t.cron) return [h("code", {}, t.cron), ` (${t.timezone})`];
  return `every ${t.every_seconds} s`;
}

/** "Started by" on a run's page, for a run a trigger started (null otherwise).
 * @param {RunOut} run @param {string} endpoint the endpoint's name (or id)
 * @returns {[string, Array<any>] | null} */
export function startedBy(run, endpoint) {
  const t = run.trigger;
  if (!t) return null;
  const why = t.kind === "data" ? [", new file ", h("code", { class: "wrap-anywhere" }, t.path || "–")]
    : (t.slot ? `, the slot of ${time(t.slot)}` : "");
  return ["Started by", [`${t.kind === "data" ? "data" : "schedule"} trigger `,
    link(`#/endpoints/${seg(endpoint)}/triggers`, t.name), why]];
}

/** A firing's outcome, with its run or its reason. @param {FiringOut | null} f */
function firingCell(f) {
  if (!f) return "never fired";
  return [time(f.at), " ", h("span", { class: `badge status-${f.outcome === "submitted" ? "succeeded" : "skipped"}` }, f.outcome),
    f.run_id ? [" ", link(`#/runs/${seg(f.run_id)}`, f.run_id, { class: "mono" })] : null,
    f.reason ? h("span", { class: "muted" }, ` ${f.reason}`) : null];
}

/** @param {TriggersState} state @param {TriggerOut} t */
function triggerRow(state, t) {
  const toggle = h("button", { type: "button", class: "secondary small", "aria-label": `${t.enabled ? "Disable" : "Enable"} ${t.name}` },
    t.enabled ? "Disable" : "Enable");
  toggle.addEventListener("click", () => setEnabled(state, t, !t.enabled));
  const firings = h("button", { type: "button", class: "secondary small", "aria-label": `Firings of ${t.name}` }, "Firings");
  firings.addEventListener("click", () => firingsDialog(state, t));
  const remove = h("button", { type: "button", class: "danger small", "aria-label": `Delete ${t.name}` }, "Delete");
  remove.addEventListener("click", () => deleteTrigger(state, t));
  return h("tr", {},
    h("th", { scope: "row" }, t.name),
    h("td", {}, t.kind),
    h("td", { class: "wrap" }, when(t)),
    h("td", { class: "time" }, t.next_fire_at ? time(t.next_fire_at) : "–"),
    h("td", { class: "wrap" }, firingCell(t.last_firing)),
    h("td", {}, badge(t.enabled ? "enabled" : "disabled")),
    h("td", { class: "actions" }, toggle, firings, remove));
}

/** @param {TriggersState} state */
function renderList(state) {
  replace(state.listBox, state.triggers.length
    ? table(`Triggers of ${state.endpoint.name}`, ["Name", "Kind", "When", "Next fire", "Last firing", "State",
      h("span", { class: "visually-hidden" }, "Actions")], state.triggers.map((t) => triggerRow(state, t)))
    : empty("No triggers yet: with New trigger, this endpoint retrains on a schedule or when new data arrives."));
}

/** @param {TriggersState} state */
async function loadTriggers(state) {
  const page = await get(`/endpoints/${seg(state.endpoint.id)}/triggers?limit=500`, { signal: state.signal });
  state.triggers = page.items;
  renderList(state);
}

/** @param {TriggersState} state @param {TriggerOut} t @param {boolean} enabled */
async function setEnabled(state, t, enabled) {
  try {
    await api(`/triggers/${seg(t.id)}`, { method: "PATCH", json: { enabled } });
    announce(`${t.name} ${enabled ? "enabled" : "disabled"}`);
    await loadTriggers(state);
  } catch (error) {
    refused(state.listBox, error);
  }
}

/** @param {TriggersState} state @param {TriggerOut} t */
function deleteTrigger(state, t) {
  const yes = h("button", { type: "button", class: "danger" }, "Delete");
  const no = h("button", { type: "button", class: "secondary", onclick: () => box.close() }, "Keep it");
  const body = h("div", { class: "form" },
    h("p", {}, `Trigger ${t.name} stops firing. Runs it started are kept.`), h("div", { class: "buttons" }, yes, no));
  const box = dialog(`Delete trigger ${t.name}?`, body);
  yes.addEventListener("click", async () => {
    try {
      await api(`/triggers/${seg(t.id)}`, { method: "DELETE" });
      box.close();
      announce(`Trigger ${t.name} deleted`);
      await loadTriggers(state);
    } catch (error) {
      refused(body, error);
    }
  });
  no.focus();
}

// --- firings --------------------------------------------------------------------------

/** @param {FiringOut} f */
function firingRow(f) {
  return h("tr", {},
    h("td", { class: "time" }, time(f.at)),
    h("td", { class: "wrap" }, f.slot ? time(f.slot) : h("code", { class: "wrap-anywhere" }, f.path || "–")),
    h("td", {}, h("span", { class: `badge status-${f.outcome === "submitted" ? "succeeded" : "skipped"}` }, f.outcome)),
    h("td", { class: "wrap" }, f.reason || ""),
    h("td", {}, f.run_id ? link(`#/runs/${seg(f.run_id)}`, f.run_id, { class: "mono" }) : "–"));
}

/** The firings history, newest first, with Load more. @param {TriggersState} state @param {TriggerOut} t */
function firingsDialog(state, t) {
  const box = h("div", { class: "form" }, h("p", { class: "loading" }, "Loading…"));
  /** @type {Array<FiringOut>} */
  const firings = [];
  let cursor = null;
  const load = async () => {
    const page = await get(`/triggers/${seg(t.id)}/firings?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      { signal: state.signal });
    firings.push(...page.items);
    cursor = page.next_cursor;
    replace(box, firings.length
      ? table(`Firings of ${t.name}`, ["At", t.kind === "data" ? "File" : "Slot", "Outcome", "Reason", "Run"], firings.map(firingRow))
      : empty("It has not fired yet."),
    cursor ? moreButton(() => load().catch((e) => showProblem(box, e))) : null);
  };
  // wide: five columns, the reason a sentence; in the default width the Run column was scrolled out of view
  dialog(`Firings of ${t.name}`, box).classList.add("wide");
  load().catch((e) => showProblem(box, e));
}

// --- New trigger ----------------------------------------------------------------------

/** A number field's value for the server: "" -> undefined; text it cannot read goes as is (the 422 names it). */
function numberOf(input) {
  if (input.value.trim() === "") return undefined;
  const value = Number(input.value);
  return Number.isInteger(value) ? value : input.value;
}

function textInput(attrs = {}) {
  return h("input", { type: "text", autocomplete: "off", spellcheck: "false", ...attrs });
}

function choice(options, value) {
  const select = h("select", {}, options.map(([v, label]) => h("option", { value: v }, label)));
  select.value = value;
  return select;
}

/** The form's controls, by the body field each one fills. */
function triggerControls() {
  return {
    name: textInput({ placeholder: "nightly" }),
    kind: choice([["schedule", "On a schedule"], ["data", "When new data arrives"]], "schedule"),
    cron: textInput({ placeholder: "0 2 * * *" }),
    timezone: textInput({ value: "UTC", placeholder: "Europe/Berlin" }),
    every_seconds: h("input", { type: "number", inputmode: "numeric", min: "1", step: "1" }),
    catchup: choice([["skip", "Skip missed slots"], ["latest", "Fire the latest missed slot once"]], "skip"),
    watch: textInput({ placeholder: "datastore://default/census/incoming/" }),
    parameter: textInput({ placeholder: "data_path" }),
    debounce_seconds: h("input", { type: "number", inputmode: "numeric", min: "1", step: "1" }),
    each: h("input", { type: "checkbox" }),
    version: h("input", { type: "number", inputmode: "numeric", min: "1", step: "1" }),
    overlap: choice([["skip", "Skip the firing"], ["queue", "Queue it (one waits at most)"], ["allow", "Run side by side"]], "skip"),
    parameters: h("textarea", { rows: "3", spellcheck: "false", placeholder: "{\"C\": 0.5}" }),
  };
}

/** The request body the form says. @param {ReturnType<typeof triggerControls>} c */
function triggerBody(c) {
  const body = { name: c.name.value.trim(), kind: c.kind.value, overlap: c.overlap.value, version: numberOf(c.version) };
  if (c.kind.value === "schedule") {
    Object.assign(body, { timezone: c.timezone.value.trim() || "UTC", catchup: c.catchup.value });
    if (c.cron.value.trim()) body.cron = c.cron.value.trim();
    body.every_seconds = numberOf(c.every_seconds);
  } else {
    Object.assign(body, { watch: c.watch.value.trim(), each: c.each.checked, debounce_seconds: numberOf(c.debounce_seconds) });
    if (c.parameter.value.trim()) body.parameter = c.parameter.value.trim();
  }
  const text = c.parameters.value.trim();
  if (text) {
    try {
      body.parameters = JSON.parse(text);
    } catch {
      throw new ApiError(422, { title: "Invalid input", errors: [{ loc: ["body", "parameters"], msg: "Write the parameters as a JSON object, e.g. {\"C\": 0.5}." }] });
    }
  }
  return body;
}

/** The form's fields, the schedule's and the data's in fieldsets shown by kind. @param {ReturnType<typeof triggerControls>} c */
function triggerFields(c) {
  const schedule = h("fieldset", { class: "gate" }, h("legend", {}, "Schedule"),
    field("Cron", c.cron, { name: "cron", hint: "Five fields (minute hour day month weekday), read in the time zone. Or give an interval instead." }),
    field("Time zone", c.timezone, { name: "timezone", hint: "An IANA name, e.g. Europe/Berlin." }),
    field("Every (seconds)", c.every_seconds, { name: "every_seconds", hint: "Instead of cron: a fixed interval." }),
    field("After downtime", c.catchup, { name: "catchup" }));
  const eachBox = field("One run per new file", c.each, { name: "each", hint: "Otherwise one run for the newest file." });
  eachBox.classList.add("checkbox");
  const data = h("fieldset", { class: "gate", hidden: true, disabled: true }, h("legend", {}, "New data"),
    field("Watch folder", c.watch, { name: "watch", hint: "A datastore folder: datastore://NAME/prefix/." }),
    field("Parameter for the file", c.parameter, { name: "parameter", hint: "The data_path parameter that receives the new file's URI." }),
    field("Settle time (seconds)", c.debounce_seconds, { name: "debounce_seconds", hint: "Waits this long after the last new file, so that a burst makes one run." }),
    eachBox);
  c.kind.addEventListener("change", () => {
    const isData = c.kind.value === "data";
    schedule.hidden = isData;
    schedule.disabled = isData;
    data.hidden = !isData;
    data.disabled = !isData;
  });
  return [field("Name", c.name, { name: "name", hint: "Unique among this endpoint's triggers (letters, digits, . _ -)." }),
    field("Fires", c.kind, { name: "kind" }), schedule, data,
    field("Version", c.version, { name: "version", hint: "Empty: the endpoint's default version when it fires." }),
    field("While its previous run is unfinished", c.overlap, { name: "overlap" }),
    field("Parameters", c.parameters, { name: "parameters", hint: "Optional, as JSON: the runs' parameters." })];
}

/** ["body", "parameters", "C"] -> the deepest field the form has. @param {HTMLElement} form */
function fieldOf(form) {
  return (loc) => {
    const name = String(loc[0] === "body" ? loc[1] : loc[0]);
    return form.querySelector(`.field[data-field="${CSS.escape(name)}"]`) ? name : null;
  };
}

/** @param {TriggersState} state */
function newTriggerDialog(state) {
  const c = triggerControls();
  const create = h("button", { type: "submit" }, "Create");
  const form = h("form", { class: "form", novalidate: true }, h("div", { class: "form-problem" }), triggerFields(c),
    h("div", { class: "buttons" }, create));
  const box = dialog(`New trigger for ${state.endpoint.name}`, form);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    create.disabled = true;
    try {
      const body = triggerBody(c);
      const created = (await api(`/endpoints/${seg(state.endpoint.id)}/triggers`, { method: "POST", json: body })).data;
      box.close();
      announce(`Trigger ${created.name} created`);
      await loadTriggers(state);
    } catch (error) {
      showFieldErrors(form, error, fieldOf(form));
    } finally {
      create.disabled = false;
    }
  });
  c.name.focus();
}

/** The Triggers tab. @param {HTMLElement} panel @param {{endpoint: {id: string, name: string}, signal: AbortSignal}} options */
export async function triggersPanel(panel, { endpoint, signal }) {
  /** @type {TriggersState} */
  const state = { endpoint, triggers: [], panel, listBox: h("div", {}), signal };
  const create = h("button", { type: "button", onclick: () => newTriggerDialog(state) }, "New trigger");
  const refresh = h("button", { type: "button", class: "secondary" }, "Refresh");
  refresh.addEventListener("click", () => loadTriggers(state).then(() => announce("Triggers refreshed"))
    .catch((e) => showProblem(state.listBox, e)));
  replace(panel,
    h("div", { class: "buttons" }, create, refresh,
      h("p", { class: "muted" }, "Runs a trigger starts act with the rights of who created it or last changed it.")),
    state.listBox);
  await loadTriggers(state);
}
