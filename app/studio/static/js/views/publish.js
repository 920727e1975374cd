// @ts-check
// The "Publish pipeline" dialog: an existing endpoint or a new name, a description;
// publishes an immutable snapshot of the draft as the endpoint's next version.

import { api, ApiError, getAll, seg } from "../api.js";
import { announce, h, uid } from "../dom.js";
import { dialog, field, showFieldErrors } from "../ui.js";

export async function publishDialog(pipeline, signal) {
  const listId = uid("endpoints");
  const endpoint = h("input", { type: "text", list: listId, autocomplete: "off", spellcheck: "false", value: pipeline.name });
  const options = h("datalist", { id: listId });
  const description = h("input", { type: "text", autocomplete: "off", placeholder: "what changed in this version" });
  const makeDefault = h("input", { type: "checkbox", checked: true });
  const publish = h("button", { type: "submit" }, "Publish");
  const result = h("div", { role: "status", class: "result" });
  const form = h("form", { class: "form", novalidate: true },
    h("p", { class: "muted" }, "Publishing takes an immutable snapshot of this draft as the next version (1, 2, 3, …) of a pipeline endpoint. Name an existing endpoint or a new one."),
    h("div", { class: "form-problem" }),
    field("Endpoint", endpoint, { name: "endpoint", hint: "An existing endpoint's name, or a new name (letters, digits, . _ -)." }),
    options,
    field("Description", description, { name: "description" }),
    field("Make it the default version", makeDefault, { name: "make_default" }),
    h("div", { class: "buttons" }, publish),
    result);
  form.querySelector(`.field[data-field="make_default"]`).classList.add("checkbox");
  const dlg = dialog("Publish pipeline", form);
  let known = [];
  getAll("/endpoints", { signal }).then((items) => {
    known = items;
    options.replaceChildren(...items.map((e) => h("option", { value: e.name })));
  }).catch(() => {});

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const name = endpoint.value.trim();
    publish.disabled = true;
    try {
      if (!name) throw new ApiError(422, { title: "Invalid input", errors: [{ loc: ["body", "name"], msg: "Name an endpoint." }] });
      let target = known.find((e) => e.name === name || e.id === name);
      if (!target) {
        try {
          target = (await api(`/endpoints/${seg(name)}`, { signal })).data;
        } catch (error) {
          if (!(error instanceof ApiError) || error.status !== 404) throw error;
          const body = { name };
          if (description.value.trim()) body.description = description.value.trim();
          target = (await api("/endpoints", { method: "POST", json: body })).data;
        }
      }
      const body = { pipeline_id: pipeline.id, make_default: makeDefault.checked };
      if (description.value.trim()) body.description = description.value.trim();
      const { data: version } = await api(`/endpoints/${seg(target.name)}/versions`, { method: "POST", json: body });
      form.querySelectorAll("input, button[type=submit]").forEach((el) => { el.disabled = true; });
      result.replaceChildren(
        h("p", { class: "success" }, `Published ${pipeline.name} to ${target.name} as version ${version.version}`,
          version.is_default ? " (the default version)." : "."),
        h("p", {}, h("a", { href: `#/endpoints/${seg(target.name)}`, onclick: () => dlg.close() }, `Open endpoint ${target.name}`)));
      announce(`Published version ${version.version}`);
    } catch (error) {
      showFieldErrors(form, error, (loc) => {
        const key = loc[loc.length - 1];
        if (key === "name") return "endpoint";
        if (key === "description") return "description";
        return null;
      });
      publish.disabled = false;
    }
  });
}
