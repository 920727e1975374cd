// Deployments (contract section 11): listed when the service has them; a service
// without the deployments API answers 404, which reads as "not available here".

import { ApiError, get, seg } from "../api.js";
import { h, replace } from "../dom.js";
import { time } from "../format.js";
import { badge, empty, link, pageHeader, table } from "../ui.js";

export async function render(main, _parts, { signal }) {
  replace(main, pageHeader("Deployments"),
    h("p", { class: "lead" }, "Deployments serve a registered model for predictions."));
  let page;
  try {
    page = await get("/deployments?limit=500", { signal });
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      main.append(empty("Deployments are not available on this server yet: models are listed under Models."));
      return;
    }
    throw error;
  }
  const items = page.items || [];
  main.append(items.length
    ? table("Deployments", ["Name", "Model", "Version", "State", "Updated"], items.map((d) => h("tr", {},
      h("td", {}, link(`#/deployments/${seg(d.name)}`, d.name)),
      h("td", {}, d.model ? link(`#/models/${seg(d.model)}`, d.model) : "–"),
      h("td", { class: "num" }, d.version ?? "–"),
      h("td", {}, badge(d.enabled === false ? "disabled" : "enabled")),
      h("td", { class: "time" }, time(d.updated_at || d.created_at)))))
    : empty("No deployments yet."));
}
