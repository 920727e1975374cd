// @ts-check
// The "Submit run" dialog: a form built from a pipeline's (or a published version's)
// parameters. Number inputs carry their bounds, booleans are checkboxes, enums are
// selects, a data path has Browse. The server is the authority on what is valid: its
// 422 is shown next to the field each error's loc names (the form is novalidate so
// that the browser does not answer in its place).

import { getAll, seg } from "./api.js";
import { announce, h, uid } from "./dom.js";
import { value as showValue } from "./format.js";
import { clearFieldErrors, dialog, field, showFieldErrors } from "./ui.js";

function hintFor(spec) {
  const parts = [];
  if (spec.description) parts.push(spec.description);
  const kind = [spec.type];
  if (spec.minimum !== null && spec.minimum !== undefined) kind.push(`≥ ${spec.minimum}`);
  if (spec.maximum !== null && spec.maximum !== undefined) kind.push(`≤ ${spec.maximum}`);
  parts.push(kind.join(", "));
  parts.push(spec.default === undefined || spec.default === null ? "required" : `default ${showValue(spec.default)}`);
  return parts.join(" · ");
}

/** The datastores' files as buttons named by their datastore:// URI. */
function browser(input, signal) {
  const panelId = uid("browse");
  const panel = h("div", { class: "browse-panel", id: panelId, hidden: true });
  const button = h("button", {
    type: "button", class: "secondary", "aria-expanded": "false", "aria-controls": panelId,
  }, "Browse");
  const close = () => {
    panel.hidden = true;
    button.setAttribute("aria-expanded", "false");
  };
  button.addEventListener("click", async () => {
    if (!panel.hidden) {
      close();
      return;
    }
    panel.hidden = false;
    button.setAttribute("aria-expanded", "true");
    panel.replaceChildren(h("p", { class: "muted" }, "Loading files…"));
    try {
      const stores = await getAll("/datastores", { signal });
      const lists = await Promise.all(stores.map((s) => getAll(`/datastores/${seg(s.name)}/files`, { signal })
        .then((files) => [s, files])));
      const items = [];
      for (const [store, files] of lists) {
        for (const file of files) {
          const uri = file.uri || `datastore://${store.name}/${file.path}`;
          const pick = h("button", { type: "button", class: "file-pick" }, uri);
          pick.addEventListener("click", () => {
            input.value = uri;
            input.dispatchEvent(new Event("input"));
            close();
            input.focus();
            announce(`Chose ${uri}`);
          });
          items.push(h("li", {}, pick));
        }
      }
      panel.replaceChildren(items.length
        ? h("ul", { class: "file-list", "aria-label": "Files in the datastores" }, items)
        : h("p", { class: "muted" }, "No files yet: upload one on the Datastores page."));
      const first = panel.querySelector("button");
      if (first) first.focus();
    } catch (error) {
      panel.replaceChildren(h("p", { class: "field-error" }, error.message));
    }
  });
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      close();
      button.focus();
    }
  });
  return { button, panel };
}

/** One field per parameter; read() gives the parameters to send (empty = the default).
 * @param {Record<string, any>} parameters @param {{signal?: AbortSignal}} [options] */
export function parameterFields(parameters, { signal } = {}) {
  const readers = [];
  const elements = [];
  for (const [name, spec] of Object.entries(parameters || {})) {
    const hasDefault = spec.default !== undefined && spec.default !== null;
    let control;
    let read;
    let extra = null;
    if (spec.type === "boolean") {
      control = h("input", { type: "checkbox", checked: hasDefault && spec.default === true });
      read = () => control.checked;
    } else if (spec.type === "enum") {
      const choices = spec.choices || [];
      control = h("select", {},
        hasDefault ? null : h("option", { value: "" }, "Choose…"),
        choices.map((c, i) => h("option", { value: String(i) }, String(c))));
      if (hasDefault) control.value = String(choices.findIndex((c) => c === spec.default));
      read = () => (control.value === "" ? undefined : choices[Number(control.value)]);
    } else if (spec.type === "integer" || spec.type === "number") {
      control = h("input", {
        type: "number", inputmode: spec.type === "integer" ? "numeric" : "decimal",
        step: spec.type === "integer" ? "1" : "any",
        min: spec.minimum ?? undefined, max: spec.maximum ?? undefined,
        value: hasDefault ? String(spec.default) : "",
      });
      read = () => {
        // valueAsNumber is NaN for text the browser cannot read as a number: send it as
        // typed, so that the server's message names the problem.
        if (control.value === "") return control.validity.badInput ? "not a number" : undefined;
        const number = Number(control.value);
        return Number.isFinite(number) ? number : control.value;
      };
    } else {
      control = h("input", {
        type: "text", value: hasDefault ? String(spec.default) : "", autocomplete: "off", spellcheck: "false",
        placeholder: spec.type === "data_path" ? "datastore://default/path/file.csv" : undefined,
      });
      read = () => (control.value === "" ? undefined : control.value);
      if (spec.type === "data_path") extra = browser(control, signal);
    }
    const wrapper = field(name, control, { hint: hintFor(spec), name: `parameters.${name}` });
    if (spec.type === "boolean") wrapper.classList.add("checkbox");
    if (extra) {
      const row = h("div", { class: "input-row" });
      control.replaceWith(row);
      row.append(control, extra.button);
      wrapper.classList.add("data-path");
      wrapper.querySelector(".hint").after(extra.panel);
    }
    elements.push(wrapper);
    readers.push([name, read]);
  }
  return {
    elements,
    read() {
      const values = {};
      for (const [name, read] of readers) {
        const v = read();
        if (v !== undefined) values[name] = v;
      }
      return values;
    },
  };
}

/** ["body", "parameters", "x"] -> "parameters.x"; ["body", "experiment"] -> "experiment" */
export function locToField(loc) {
  const parts = loc[0] === "body" || loc[0] === "query" ? loc.slice(1) : loc;
  if (parts[0] === "parameters" && parts.length >= 2) return `parameters.${parts[1]}`;
  if (parts[0] === "experiment") return "experiment";
  return null;
}

/**
 * Opens the "Submit run" dialog. `send(body)` starts the run (resolves the run);
 * `onStarted(run)` is called after a 202.
 */
export function submitRunDialog({ parameters, intro, send, onStarted, signal }) {
  const fields = parameterFields(parameters, { signal });
  const experiment = h("input", { type: "text", autocomplete: "off", spellcheck: "false", placeholder: "optional" });
  const submit = h("button", { type: "submit" }, "Submit");
  const form = h("form", { novalidate: true, class: "form" },
    intro ? h("p", { class: "muted" }, intro) : null,
    h("div", { class: "form-problem" }),
    fields.elements.length ? fields.elements : h("p", {}, "This pipeline has no parameters."),
    field("Experiment", experiment, {
      name: "experiment", hint: "A name to group runs by, e.g. nightly-retrain (letters, digits, . _ -).",
    }),
    h("div", { class: "buttons" }, submit));
  const dlg = dialog("Submit run", form);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    const body = { parameters: fields.read() };
    if (experiment.value.trim()) body.experiment = experiment.value.trim();
    submit.disabled = true;
    try {
      const run = await send(body);
      dlg.close();
      onStarted(run);
    } catch (error) {
      showFieldErrors(form, error, locToField);
    } finally {
      submit.disabled = false;
    }
  });
  return dlg;
}
