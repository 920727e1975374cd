// @ts-check
// Webhooks (contract section 13): the list with "New webhook" (the signing secret is shown
// once, in the dialog that created it: the server never shows it again), and a webhook's
// page: its events, enable or disable, delete, and the delivery log with Redeliver.
// A webhook's page keeps what it shows in one state object (WebhookState); each part is
// rendered by a function of it.

import { api, ApiError, get, seg } from "../api.js";
import { announce, h, replace, uid } from "../dom.js";
import { sleep } from "../follow.js";
import { time } from "../format.js";
import { WEBHOOK_EVENTS } from "../types.js";
import {
  badge, clearFieldErrors, details, dialog, empty, field, link, moreButton, pageHeader, problem,
  showFieldErrors, showProblem, table,
} from "../ui.js";

/** @typedef {import("../types.js").WebhookOut} WebhookOut */
/** @typedef {import("../types.js").WebhookCreated} WebhookCreated */
/** @typedef {import("../types.js").DeliveryOut} DeliveryOut */

const EVENT_HINTS = {
  "run.started": "a run began its first step",
  "run.succeeded": "a run finished",
  "run.failed": "a run failed (the step and the cause are in the body)",
  "run.canceled": "a run was canceled",
  "deployment.promoted": "a retrained model version went live",
  "deployment.held": "a retrained version did not pass the gate",
  "trigger.skipped": "a trigger's firing did not start a run",
  "deployment.drift_detected": "a deployment's inputs began to drift (once per episode)",
};

export async function render(main, [id], ctx) {
  if (id) return renderWebhook(main, id, ctx);
  const create = h("button", { type: "button", onclick: () => newWebhookDialog() }, "New webhook");
  replace(main, pageHeader("Webhooks", create),
    h("p", { class: "lead" }, "Webhooks send an HTTP POST, signed with the Standard Webhooks headers, to your receiver "
      + "when a run starts or ends, a deployment promotes or holds a version, or a trigger skips a firing."));
  const page = await get("/webhooks?limit=500", { signal: ctx.signal });
  /** @type {Array<WebhookOut>} */
  const hooks = page.items;
  main.append(hooks.length
    ? table("Webhooks", ["Receiver", "Events", "Description", "State", "Created"], hooks.map((w) => h("tr", {},
      h("td", { class: "wrap" }, link(`#/webhooks/${seg(w.id)}`, w.url)),
      h("td", {}, w.events.join(", ")),
      h("td", {}, w.description || ""),
      h("td", {}, badge(w.enabled ? "enabled" : "disabled")),
      h("td", { class: "time" }, time(w.created_at)))))
    : empty("No webhooks yet: create one with New webhook."));
}

// --- New webhook ----------------------------------------------------------------------

/** The events as checkboxes in a fieldset that takes the "events" errors. @param {Array<string>} chosen */
function eventsField(chosen) {
  const errorId = uid("events-error");
  const boxes = WEBHOOK_EVENTS.map((event) => {
    const input = h("input", { type: "checkbox", value: event, checked: chosen.includes(event) });
    const wrapper = field(event, input);
    wrapper.classList.add("checkbox");
    wrapper.querySelector(".field-error").remove();
    input.setAttribute("aria-describedby", `${input.id}-hint ${errorId}`);
    wrapper.append(h("p", { class: "hint", id: `${input.id}-hint` }, EVENT_HINTS[event] || ""));
    return { input, wrapper };
  });
  const element = h("fieldset", { class: "field gate", dataset: { field: "events" } },
    h("legend", {}, "Events"), boxes.map((b) => b.wrapper), h("p", { class: "field-error", id: errorId }));
  return { element, read: () => boxes.filter((b) => b.input.checked).map((b) => b.input.value) };
}

/** ["body", "events", 1] -> "events"; the fields the form has, else null (shown on top). */
function webhookField(loc) {
  const name = loc[0] === "body" ? loc[1] : loc[0];
  return ["url", "events", "description"].includes(String(name)) ? String(name) : null;
}

/** The secret, shown once, with Copy. @param {WebhookCreated} created @param {() => void} done */
function secretView(created, done) {
  const secret = h("input", { type: "text", readonly: true, value: created.secret, class: "mono", spellcheck: "false" });
  const copied = h("span", { class: "success", "aria-live": "polite" });
  const copy = h("button", { type: "button", class: "secondary" }, "Copy");
  copy.addEventListener("click", async () => {
    secret.select();
    try {
      await navigator.clipboard.writeText(created.secret);
      copied.textContent = "Copied";
    } catch {
      copied.textContent = "Select the secret and copy it (Ctrl+C)";
    }
  });
  return h("div", { class: "form" },
    h("p", { class: "notice warning" }, "This is the only time the signing secret is shown: copy it into your receiver's "
      + "configuration now. It verifies the webhook-signature header of every delivery."),
    field("Signing secret", secret, { hint: "Verify deliveries with a Standard Webhooks library and this secret." }),
    h("div", { class: "buttons" }, copy, copied),
    h("div", { class: "buttons" }, h("button", { type: "button", onclick: done }, "Done")));
}

function newWebhookDialog() {
  const url = h("input", { type: "text", inputmode: "url", autocomplete: "off", spellcheck: "false", placeholder: "https://example.com/retrainer-hook" });
  const description = h("input", { type: "text", autocomplete: "off" });
  const events = eventsField(["run.succeeded", "run.failed"]);
  const create = h("button", { type: "submit" }, "Create");
  const form = h("form", { class: "form", novalidate: true },
    h("div", { class: "form-problem" }),
    field("Receiver URL", url, { name: "url", hint: "An https:// URL that answers 2xx. Failed deliveries are retried with backoff." }),
    events.element,
    field("Description", description, { name: "description" }),
    h("div", { class: "buttons" }, create));
  /** @type {WebhookCreated | null} */
  let created = null;
  const box = dialog("New webhook", form, {
    onClose: () => { if (created) location.hash = `#/webhooks/${seg(created.id)}`; },
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    create.disabled = true;
    try {
      created = /** @type {WebhookCreated} */ ((await api("/webhooks", { method: "POST", json: {
        url: url.value.trim(), events: events.read(), description: description.value.trim() || null,
      } })).data);
      form.replaceWith(secretView(created, () => box.close()));
      announce("Webhook created. Copy its signing secret now: it is shown only once.");
      /** @type {HTMLElement} */ (box.querySelector("input[readonly]")).focus();
    } catch (error) {
      showFieldErrors(form, error, webhookField);
    } finally {
      create.disabled = false;
    }
  });
  url.focus();
}

// --- a webhook's page -------------------------------------------------------------------

/**
 * @typedef {Object} WebhookState
 * @property {WebhookOut} webhook as the server last answered
 * @property {Array<DeliveryOut>} deliveries newest first, the pages loaded so far
 * @property {string | null} cursor of the next page of deliveries
 * @property {HTMLElement} main
 * @property {HTMLElement} summaryBox
 * @property {HTMLElement} logBox
 * @property {AbortSignal} signal
 */

/** The webhook's settings and state. @param {WebhookState} state */
function renderSummary(state) {
  const w = state.webhook;
  replace(state.summaryBox, details([
    ["Receiver", h("code", { class: "wrap-anywhere" }, w.url)],
    ["Events", w.events.join(", ")],
    ["State", [badge(w.enabled ? "enabled" : "disabled"), w.disabled_reason ? ` ${w.disabled_reason}` : ""]],
    w.description ? ["Description", w.description] : null,
    ["Id", h("code", {}, w.id)],
    ["Created", time(w.created_at)],
  ]), w.enabled ? null : h("p", { class: "notice warning" },
    "This webhook is disabled: events are not delivered to it, and Redeliver is refused, until it is enabled again."));
}

/** A delivery's outcome as a badge. @param {DeliveryOut} d */
function outcome(d) {
  if (d.delivered) return h("span", { class: "badge status-succeeded" }, "delivered");
  if (d.next_attempt_at) return h("span", { class: "badge status-pending" }, d.attempt ? "retrying" : "pending");
  return h("span", { class: "badge status-failed" }, "failed");
}

/** A delivery's row. @param {WebhookState} state @param {DeliveryOut} d */
function deliveryRow(state, d) {
  const redeliver = h("button", { type: "button", class: "secondary small", "aria-label": `Redeliver ${d.event} ${d.id}` }, "Redeliver");
  redeliver.addEventListener("click", () => redeliverOne(state, d, redeliver));
  return h("tr", {},
    h("td", {}, h("code", {}, d.event)),
    h("td", {}, outcome(d)),
    h("td", { class: "num" }, String(d.attempt)),
    h("td", { class: "num" }, d.status_code === null ? "–" : String(d.status_code)),
    h("td", { class: "num" }, d.duration_ms === null ? "–" : `${d.duration_ms} ms`),
    h("td", { class: "time" }, time(d.last_attempt_at)),
    h("td", { class: "time" }, time(d.next_attempt_at)),
    h("td", { class: "wrap" }, d.error || ""),
    h("td", { class: "wrap" }, h("code", { class: "sha" }, d.event_id)),
    h("td", { class: "actions" }, redeliver));
}

/** The delivery log. @param {WebhookState} state */
function renderLog(state) {
  const more = state.cursor ? moreButton(() => loadDeliveries(state, { more: true }).catch((e) => showProblem(state.logBox, e))) : null;
  replace(state.logBox, state.deliveries.length
    ? table(`Deliveries of ${state.webhook.url}`, ["Event", "Outcome", "Attempts", "Status code", "Duration",
      "Last attempt", "Next attempt", "Error", "webhook-id", h("span", { class: "visually-hidden" }, "Actions")],
    state.deliveries.map((d) => deliveryRow(state, d)))
    : empty("No deliveries yet: one is made for each subscribed event."), more);
}

/** Reads the first page again (or the next one, `more`), then renders the log.
 * @param {WebhookState} state @param {{more?: boolean}} [options] */
async function loadDeliveries(state, { more = false } = {}) {
  const limit = more ? 50 : Math.max(50, state.deliveries.length);
  const cursor = more && state.cursor ? `&cursor=${encodeURIComponent(state.cursor)}` : "";
  const page = await get(`/webhooks/${seg(state.webhook.id)}/deliveries?limit=${limit}${cursor}`, { signal: state.signal });
  state.deliveries = more ? [...state.deliveries, ...page.items] : page.items;
  state.cursor = page.next_cursor || null;
  renderLog(state);
}

/** While a delivery shown is due again, read the log when it is due (2 s to 60 s from now).
 * @param {WebhookState} state */
async function followLog(state) {
  while (!state.signal.aborted) {
    const due = state.deliveries.filter((d) => !d.delivered && d.next_attempt_at)
      .map((d) => new Date(/** @type {string} */ (d.next_attempt_at)).getTime());
    const wait = due.length ? Math.min(60_000, Math.max(2000, Math.min(...due) - Date.now() + 1000)) : 30_000;
    await sleep(wait, state.signal);
    if (state.signal.aborted) return;
    try {
      await loadDeliveries(state);
    } catch (error) {
      if (state.signal.aborted) return;
      showProblem(state.logBox, error);
    }
  }
}

/** The server's answer to a refused action (a 4xx is an answer, not a defect: not logged).
 * @param {HTMLElement} container @param {any} error */
function refused(container, error) {
  if (!(error instanceof ApiError) || error.status >= 500) {
    showProblem(container, error);
    return;
  }
  container.querySelector(":scope > .problem")?.remove();
  container.prepend(problem(error));
}

/** @param {WebhookState} state @param {DeliveryOut} d @param {HTMLButtonElement} button */
async function redeliverOne(state, d, button) {
  button.disabled = true;
  try {
    await api(`/webhooks/${seg(state.webhook.id)}/deliveries/${seg(d.id)}/redeliver`, { method: "POST" });
    announce(`${d.event} is being delivered again`);
    await loadDeliveries(state);
  } catch (error) {
    button.disabled = false;
    refused(state.logBox, error);
  }
}

/** Enable or disable, and Delete. @param {WebhookState} state */
function headerActions(state) {
  const toggle = /** @type {HTMLButtonElement} */ (h("button", { type: "button", class: "secondary" }));
  const label = () => { toggle.textContent = state.webhook.enabled ? "Disable webhook" : "Enable webhook"; };
  label();
  toggle.addEventListener("click", async () => {
    toggle.disabled = true;
    try {
      state.webhook = (await api(`/webhooks/${seg(state.webhook.id)}`, { method: "PATCH", json: { enabled: !state.webhook.enabled } })).data;
      label();
      renderSummary(state);
      announce(state.webhook.enabled ? "Webhook enabled" : "Webhook disabled");
    } catch (error) {
      refused(state.main, error);
    } finally {
      toggle.disabled = false;
    }
  });
  const remove = h("button", { type: "button", class: "danger" }, "Delete webhook");
  remove.addEventListener("click", () => confirmDelete(state));
  return [toggle, remove];
}

/** @param {WebhookState} state */
function confirmDelete(state) {
  const yes = h("button", { type: "button", class: "danger" }, "Delete");
  const no = h("button", { type: "button", class: "secondary" }, "Keep it");
  const body = h("div", { class: "form" },
    h("p", {}, "Deleting stops every delivery to ", h("code", { class: "wrap-anywhere" }, state.webhook.url),
      ", pending retries too. Its delivery log goes with it."),
    h("div", { class: "buttons" }, yes, no));
  const box = dialog("Delete this webhook?", body);
  no.addEventListener("click", () => box.close());
  yes.addEventListener("click", async () => {
    try {
      await api(`/webhooks/${seg(state.webhook.id)}`, { method: "DELETE" });
      box.close();
      announce("Webhook deleted");
      location.hash = "#/webhooks";
    } catch (error) {
      refused(body, error);
    }
  });
  no.focus();
}

/** @param {string} url */
function receiverHost(url) {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** @param {HTMLElement} main @param {string} id @param {{signal: AbortSignal}} ctx */
async function renderWebhook(main, id, { signal }) {
  /** @type {WebhookState} */
  const state = {
    webhook: await get(`/webhooks/${seg(id)}`, { signal }), deliveries: [], cursor: null, main, signal,
    summaryBox: h("div", {}), logBox: h("div", {}),
  };
  const refresh = h("button", { type: "button", class: "secondary small" }, "Refresh");
  refresh.addEventListener("click", () => loadDeliveries(state).then(() => announce("Delivery log refreshed"))
    .catch((e) => showProblem(state.logBox, e)));
  replace(main,
    pageHeader(`Webhook to ${receiverHost(state.webhook.url)}`, ...headerActions(state)),
    h("p", { class: "lead" }, "Each event is delivered at least once; every attempt of a delivery carries the same webhook-id."),
    h("section", { class: "panel", "aria-labelledby": "hook-title" }, h("h2", { id: "hook-title" }, "Settings"), state.summaryBox),
    h("section", { class: "panel", "aria-labelledby": "log-title" },
      h("div", { class: "page-header" }, h("h2", { id: "log-title" }, "Delivery log"), refresh),
      state.logBox));
  renderSummary(state);
  await loadDeliveries(state);
  followLog(state);
}
