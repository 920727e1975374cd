// @ts-check
// The designer's palette: GET /components grouped by what they do, searchable, each with
// its description, draggable onto the canvas and with an Add button for the keyboard.

import { h, replace } from "../dom.js";
import { breakable } from "../format.js";

/** @typedef {import("./model.js").Component} Component */

// The catalogue has no groups of its own; these are the studio's, and an unknown
// component (a newer service) lands under "Other".
const GROUPS = [
  ["Data in and out", ["import_data", "export_data"]],
  ["Transform", ["select_columns", "clean_missing_data", "normalize_data", "split_data"]],
  ["Train and score", ["train_model", "score_model", "score_registered_model", "evaluate_model"]],
];

/** The first sentence of a description (the rest is in GET /components). @param {string | undefined} text */
export function firstSentence(text) {
  const match = String(text || "").match(/^.*?[.!?](\s|$)/);
  return match ? match[0].trim() : String(text || "");
}

/** @param {Component} c @param {(name: string) => void} onAdd */
function item(c, onAdd) {
  const ports = (/** @type {Array<{name: string, type: string}>} */ list) => list.map((p) => `${p.name} (${p.type})`).join(", ") || "none";
  const li = h("li", { class: "palette-item", draggable: "true", dataset: { component: c.name } },
    h("div", { class: "palette-text" },
      h("strong", { class: "mono" }, breakable(c.name)),
      h("p", { class: "hint" }, firstSentence(c.description)),
      h("p", { class: "hint ports-hint" }, `In: ${ports(c.inputs)} · out: ${ports(c.outputs)}`)),
    h("button", { type: "button", class: "secondary small", onclick: () => onAdd(c.name) },
      "Add", h("span", { class: "visually-hidden" }, ` ${c.name}`)));
  li.addEventListener("dragstart", (event) => {
    if (!event.dataTransfer) return;
    event.dataTransfer.setData("application/x-retrainer-component", c.name);
    event.dataTransfer.effectAllowed = "copy";
  });
  return li;
}

/** Fills `box` (the region Components). @param {HTMLElement} box
 * @param {Record<string, Component>} components @param {(name: string) => void} onAdd */
export function drawPalette(box, components, onAdd) {
  const search = h("input", { type: "search", id: "palette-search", autocomplete: "off", placeholder: "name or description" });
  const list = h("div", { class: "palette-groups" });
  const known = new Set(GROUPS.flatMap(([, names]) => names));
  const groups = [...GROUPS, ["Other", Object.keys(components).filter((n) => !known.has(n))]];
  const show = () => {
    const q = search.value.trim().toLowerCase();
    const fits = (/** @type {Component} */ c) => !q || c.name.toLowerCase().includes(q) || String(c.description || "").toLowerCase().includes(q);
    const parts = groups.map(([title, names]) => {
      const shown = /** @type {Array<string>} */ (names).map((n) => components[n]).filter((c) => c && fits(c));
      return shown.length ? h("section", { class: "palette-group" }, h("h3", {}, title), h("ul", {}, shown.map((c) => item(c, onAdd)))) : null;
    }).filter(Boolean);
    replace(list, parts.length ? parts : h("p", { class: "muted" }, `No component matches “${search.value}”.`));
  };
  search.addEventListener("input", show);
  show();
  replace(box, h("h2", { id: "palette-title" }, "Components"),
    h("label", { for: "palette-search", class: "search-label" }, "Search components"), search, list);
}
