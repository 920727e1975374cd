// @ts-check
// Shared pieces of the pages: headings, tables, empty states, problems, status badges,
// dialogs and tabs. Every piece is labelled for assistive technology.

import { ApiError, SessionExpired } from "./api.js";
import { append, clear, h, uid } from "./dom.js";

export function pageHeader(title, ...actions) {
  return h("div", { class: "page-header" },
    h("h1", { tabindex: "-1" }, title),
    actions.length ? h("div", { class: "actions" }, actions) : null);
}

export function empty(message) {
  return h("p", { class: "empty" }, message);
}

export function badge(status) {
  return h("span", { class: `badge status-${status}` }, status);
}

export function link(href, text, attrs = {}) {
  return h("a", { href, ...attrs }, text);
}

// A table wider than its frame scrolls sideways (phones): only then is its frame a tab
// stop, so that a keyboard can scroll it, without extra stops where nothing scrolls.
const scrollables = new ResizeObserver((entries) => {
  for (const { target } of entries) {
    if (target.scrollWidth > target.clientWidth + 1) {
      target.setAttribute("tabindex", "0");
      target.setAttribute("role", "region");
      target.setAttribute("aria-label", /** @type {HTMLElement} */ (target).dataset.caption || "");
    } else {
      for (const name of ["tabindex", "role", "aria-label"]) target.removeAttribute(name);
    }
  }
});

/** A table with a caption (visually hidden when `hideCaption`), column headers and rows of cells. */
export function table(caption, columns, rows, { hideCaption = true } = {}) {
  const wrap = h("div", { class: "table-wrap", dataset: { caption } });
  scrollables.observe(wrap);
  return append(wrap,
    h("table", {},
      h("caption", { class: hideCaption ? "visually-hidden" : "" }, caption),
      h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, rows)));
}

/** Key/value details as a description list. */
export function details(pairs, cls = "details") {
  return h("dl", { class: cls }, pairs.filter(Boolean).map(([k, v]) => h("div", {}, h("dt", {}, k), h("dd", {}, v))));
}

/** An alert with the server's problem details (detail, then each error). */
export function problem(error) {
  if (error instanceof SessionExpired) return null;
  const box = h("div", { class: "problem", role: "alert" });
  if (error instanceof ApiError) {
    const title = error.problem && error.problem.title;
    box.append(h("p", {}, h("strong", {}, title || `HTTP ${error.status}`), title && error.problem.detail
      ? `: ${error.problem.detail}` : (error.problem && error.problem.error_description ? `: ${error.problem.error_description}` : "")));
  } else {
    box.append(h("p", {}, h("strong", {}, "Something went wrong"), `: ${error.message || error}`));
  }
  return box;
}

/** Renders a failure in `container` (keeping the page usable) unless the session expired. */
export function showProblem(container, error) {
  if (error instanceof SessionExpired || (error && error.name === "AbortError")) return;
  if (!(error instanceof ApiError)) console.error(error); // the server's answer is shown, not a fault here
  const box = problem(error);
  if (box) replaceChildrenKeep(container, box);
}

function replaceChildrenKeep(container, box) {
  const old = container.querySelector(":scope > .problem");
  if (old) old.remove();
  container.prepend(box);
}

/** A modal dialog (native <dialog>: focus trap, Esc closes) named by its heading.
 * @param {string} title @param {Node} body @param {{onClose?: () => void}} [options] @returns {HTMLDialogElement} */
export function dialog(title, body, { onClose } = {}) {
  const headingId = uid("dialog-title");
  const closeButton = h("button", { type: "button", class: "icon close", "aria-label": "Close" }, "×");
  const el = h("dialog", { "aria-labelledby": headingId, class: "dialog" },
    h("div", { class: "dialog-header" }, h("h2", { id: headingId }, title), closeButton),
    body);
  closeButton.addEventListener("click", () => el.close());
  el.addEventListener("close", () => {
    el.remove();
    if (onClose) onClose();
  });
  document.body.append(el);
  el.showModal();
  return el;
}

/** A labelled form field; `control` is an input, select or textarea (its id is set here).
 * @param {string} label @param {HTMLElement} control @param {{hint?: string, name?: string}} [options] */
export function field(label, control, { hint, name } = {}) {
  const id = control.id || uid("field");
  control.id = id;
  if (name) control.dataset.field = name;
  const errorId = `${id}-error`;
  const hintId = hint ? `${id}-hint` : null;
  control.setAttribute("aria-describedby", [hintId, errorId].filter(Boolean).join(" "));
  // An error shown for the value that was sent is stale once the value changes.
  const forget = () => {
    const slot = document.getElementById(errorId);
    if (slot) slot.textContent = "";
    control.removeAttribute("aria-invalid");
    if (control.parentElement) control.parentElement.classList.remove("invalid");
  };
  control.addEventListener("input", forget);
  control.addEventListener("change", forget);
  const wrapper = h("div", { class: "field", dataset: { field: name || "" } },
    h("label", { for: id }, label),
    control,
    hint ? h("p", { class: "hint", id: hintId }, hint) : null,
    h("p", { class: "field-error", id: errorId }));
  return wrapper;
}

/** Shows each error of a 422 next to the field its loc names (data-field="a.b"), the rest on top.
 * `locToField` maps a loc array to a field name. Returns how many were placed at fields. */
export function showFieldErrors(form, error, locToField) {
  clearFieldErrors(form);
  const general = form.querySelector(".form-problem");
  const rest = [];
  let placed = 0;
  for (const item of error instanceof ApiError ? error.errors : []) {
    const name = locToField(item.loc || []);
    const wrapper = name !== null ? form.querySelector(`.field[data-field="${CSS.escape(name)}"]`) : null;
    if (wrapper) {
      const slot = wrapper.querySelector(".field-error");
      slot.textContent = slot.textContent ? `${slot.textContent} ${item.msg}` : item.msg;
      const control = wrapper.querySelector("input, select, textarea");
      if (control) control.setAttribute("aria-invalid", "true");
      wrapper.classList.add("invalid");
      placed += 1;
    } else {
      rest.push(item);
    }
  }
  if (general) {
    clear(general);
    if (!(error instanceof SessionExpired)) {
      const box = problem(error);
      if (box) {
        if (rest.length) {
          append(box, h("ul", {}, rest.map((e) => h("li", {}, `${(e.loc || []).join(".")}: ${e.msg}`))));
        }
        general.append(box);
      }
    }
  }
  const firstInvalid = form.querySelector("[aria-invalid=true]");
  if (firstInvalid) firstInvalid.focus();
  return placed;
}

export function clearFieldErrors(form) {
  form.querySelectorAll(".field-error").forEach((el) => { el.textContent = ""; });
  form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
  form.querySelectorAll(".field.invalid").forEach((el) => el.classList.remove("invalid"));
  const general = form.querySelector(".form-problem");
  if (general) clear(general);
}

/** Tabs (WAI-ARIA pattern: arrow keys move between tabs). `tabs` is [{id, label, render(panel)}]. */
export function tabs(label, items, selected, onSelect) {
  const list = h("div", { role: "tablist", "aria-label": label, class: "tabs" });
  const panels = h("div", {});
  const buttons = items.map((item) => {
    const tabId = uid("tab");
    const panelId = uid("panel");
    const isSelected = item.id === selected;
    const button = h("button", {
      type: "button", role: "tab", id: tabId, "aria-controls": panelId,
      "aria-selected": String(isSelected), tabindex: isSelected ? "0" : "-1",
    }, item.label);
    const panel = h("div", { role: "tabpanel", id: panelId, "aria-labelledby": tabId, tabindex: "0", hidden: !isSelected });
    button.addEventListener("click", () => onSelect(item.id));
    list.append(button);
    panels.append(panel);
    if (isSelected) item.render(panel);
    return button;
  });
  list.addEventListener("keydown", (event) => {
    const index = buttons.indexOf(document.activeElement);
    if (index < 0) return;
    let next = null;
    if (event.key === "ArrowRight") next = (index + 1) % buttons.length;
    else if (event.key === "ArrowLeft") next = (index - 1 + buttons.length) % buttons.length;
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = buttons.length - 1;
    if (next === null) return;
    event.preventDefault();
    onSelect(items[next].id, { focus: true });
  });
  return h("div", { class: "tabs-wrap" }, list, panels);
}

/** A "Load more" button for a paginated list. */
export function moreButton(onClick) {
  return h("button", { type: "button", class: "secondary more", onclick: onClick }, "Load more");
}
