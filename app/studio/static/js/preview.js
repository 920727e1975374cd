// @ts-check
// Preview of a table (a run's dataset output, a datastore file): the first rows and,
// per column, its kind, missing count and distribution, as the API reads them
// (GET .../preview: bounded rows and bytes, never a download).

import { get } from "./api.js";
import { h, replace } from "./dom.js";
import { number } from "./format.js";
import { dialog, showProblem, table } from "./ui.js";

/** @typedef {import("./types.js").Preview} Preview */
/** @typedef {import("./types.js").ColumnSummary} ColumnSummary */

/** A cell as text: null is shown as missing. @param {any} v */
function cell(v) {
  if (v === null || v === undefined) return h("span", { class: "missing" }, "missing");
  return typeof v === "number" ? number(v) : String(v);
}

/** A tiny histogram (decoration: the text beside it says the same). @param {ColumnSummary} c */
function sparkline(c) {
  const bins = c.histogram || [];
  const most = Math.max(...bins.map((b) => b.count), 1);
  const bar = (/** @type {{count: number}} */ b, /** @type {number} */ i) => h("svg:rect", {
    x: i * 6, y: 20 - (20 * b.count) / most, width: 5, height: (20 * b.count) / most, class: "bar" });
  return h("svg:svg", { viewBox: `0 0 ${bins.length * 6} 20`, class: "sparkline", "aria-hidden": "true" },
    bins.map(bar));
}

/** A column's distribution in words (and, for numbers, a small histogram). @param {ColumnSummary} c */
function distribution(c) {
  if (c.kind === "number" && c.histogram) {
    return [sparkline(c), ` ${number(c.min)} to ${number(c.max)}, mean ${number(c.mean)}`];
  }
  if (c.top && c.top.length) {
    const shown = c.top.map((v) => `${v.value} (${v.count})`).join(", ");
    return c.others ? `${shown}, ${c.others} others` : shown;
  }
  return "–";
}

/** The preview's two tables: the rows (named "Preview") and the columns' summaries.
 * @param {Preview} p @param {string} what */
export function previewPart(p, what) {
  const names = p.columns.map((c) => c.name);
  const extent = p.complete ? `all ${p.rows_read} rows` : `the first ${p.rows_read} rows (the file holds more)`;
  return [
    h("p", { class: "muted" }, `${what}: the first ${p.rows.length} rows of ${p.format} data; column summaries over ${extent}`,
      p.columns_total > p.columns.length ? `; ${p.columns.length} of ${p.columns_total} columns shown` : "", "."),
    table("Preview", names, p.rows.map((row) => h("tr", {}, row.map((v) => h("td", {}, cell(v))))), { hideCaption: false }),
    table("Columns", ["Column", "Kind", "Missing", "Distinct", "Distribution"], p.columns.map((c) => h("tr", {},
      h("th", { scope: "row", class: "wrap-anywhere" }, c.name),
      h("td", {}, c.kind),
      h("td", { class: "num" }, String(c.missing)),
      h("td", { class: "num" }, String(c.distinct)),
      h("td", { class: "distribution" }, distribution(c)))), { hideCaption: false }),
  ];
}

/** Opens the dialog "Preview of <what>" and fills it from `url`; with `csv`, a checkbox
 * says whether the first row is a header (a CSV file does not say so itself).
 * @param {string} url built by the caller from known parts (never taken from an answer) @param {string} what
 * @param {{csv?: boolean}} [options] */
export function openPreview(url, what, { csv = false } = {}) {
  const content = h("div", {}, h("p", { class: "loading" }, "Loading preview…"));
  const header = /** @type {HTMLInputElement} */ (h("input", { type: "checkbox", id: "preview-header", checked: true }));
  const body = h("div", { class: "preview-body" },
    csv ? h("div", { class: "field checkbox" }, header, h("label", { for: "preview-header" }, "First row is a header")) : null,
    content);
  const el = dialog(`Preview of ${what}`, body);
  el.classList.add("wide");
  const load = async () => {
    try {
      const p = /** @type {Preview} */ (await get(csv && !header.checked ? `${url}&has_header=false` : url));
      replace(content, previewPart(p, what));
    } catch (error) {
      replace(content);
      showProblem(content, error);
    }
  };
  header.addEventListener("change", load);
  load();
}

/** A "Preview" button for a table named `what`. @param {string} url @param {string} what
 * @param {{csv?: boolean}} [options] */
export function previewButton(url, what, options = {}) {
  return h("button", { type: "button", class: "secondary small", "aria-label": `Preview ${what}`,
    onclick: () => openPreview(url, what, options) }, "Preview");
}
