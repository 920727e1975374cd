// @ts-check
// Datastores: the named storage roots, their files (download), and upload with
// progress (PUT /datastores/{name}/files/{path}, the raw file as the body).

import { ApiError, download, filePath, get, getAll, seg, upload } from "../api.js";
import { announce, h, replace } from "../dom.js";
import { breakable, bytes, time } from "../format.js";
import { empty, field, link, pageHeader, showFieldErrors, showProblem, table } from "../ui.js";

export async function render(main, [name], ctx) {
  if (name) return renderStore(main, name, ctx);
  const stores = await getAll("/datastores", { signal: ctx.signal });
  replace(main, pageHeader("Datastores"),
    h("p", { class: "lead" }, "Named storage roots. A pipeline names a file in one as datastore://<datastore>/<path>."),
    stores.length ? table("Datastores", ["Name", "Kind", "Description", "Created"], stores.map((s) => h("tr", {},
      h("td", {}, link(`#/datastores/${seg(s.name)}`, s.name)),
      h("td", {}, s.kind || "–"),
      h("td", {}, s.description || ""),
      h("td", { class: "time" }, time(s.created_at)))))
      : empty("No datastores."));
}

async function renderStore(main, name, { signal }) {
  const store = await get(`/datastores/${seg(name)}`, { signal });
  const filesBox = h("div", {});
  const filter = h("input", { type: "search", autocomplete: "off", spellcheck: "false", placeholder: "census/" });

  const loadFiles = async () => {
    const prefix = filter.value.trim();
    const files = await getAll(`/datastores/${seg(name)}/files${prefix ? `?prefix=${encodeURIComponent(prefix)}` : ""}`, { signal });
    replace(filesBox, files.length
      ? table(`Files in ${name}`, ["Path", "Size", "Modified", "URI", h("span", { class: "visually-hidden" }, "Download")], files.map((f) => {
        const button = h("button", { type: "button", class: "secondary small", "aria-label": `Download ${f.path}` }, "Download");
        button.addEventListener("click", () => download(`/datastores/${seg(name)}/files/${filePath(f.path)}`, f.path.split("/").pop())
          .catch((e) => showProblem(filesBox, e)));
        return h("tr", {},
          h("td", { class: "wrap-anywhere" }, breakable(f.path)), h("td", { class: "num" }, bytes(f.size)),
          h("td", { class: "time" }, time(f.modified_at)), h("td", {}, h("code", { class: "wrap-anywhere" }, breakable(f.uri))),
          h("td", {}, button));
      }))
      : empty(prefix ? `No files under ${prefix}.` : "No files yet: upload one above."));
  };

  // --- upload ---------------------------------------------------------------------------
  const file = h("input", { type: "file" });
  const dest = h("input", { type: "text", autocomplete: "off", spellcheck: "false", placeholder: "census/adult.data" });
  const progress = h("progress", { max: "100", value: "0", "aria-label": "Upload progress" });
  const progressText = h("span", { class: "muted progress-text", "aria-live": "polite" });
  const uploadButton = h("button", { type: "submit" }, "Upload");
  const form = h("form", { class: "form upload-form", novalidate: true },
    h("div", { class: "form-problem" }),
    field("File", file, { name: "file" }),
    field("Path in the datastore", dest, { name: "path", hint: "Folders are created as needed; an existing file is replaced." }),
    h("div", { class: "buttons" }, uploadButton, h("span", { class: "progress-wrap" }, progress, progressText)));
  file.addEventListener("change", () => {
    if (file.files.length && !dest.value) dest.value = file.files[0].name;
    else if (file.files.length && dest.value.endsWith("/")) dest.value += file.files[0].name;
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const path = dest.value.trim().replace(/^\/+/, "");
    try {
      if (!file.files.length) throw new ApiError(422, { title: "Invalid input", errors: [{ loc: ["file"], msg: "Choose a file to upload." }] });
      if (!path) throw new ApiError(422, { title: "Invalid input", errors: [{ loc: ["path"], msg: "Give the file a path in the datastore." }] });
      uploadButton.disabled = true;
      progress.value = 0;
      progressText.textContent = "";
      const chosen = file.files[0];
      const result = await upload(`/datastores/${seg(name)}/files/${filePath(path)}`, chosen, (loaded, total) => {
        progress.value = Math.round((loaded / total) * 100);
        progressText.textContent = `${bytes(loaded)} of ${bytes(total)}`;
      });
      progress.value = 100;
      progressText.textContent = `Uploaded ${result.uri || path} (${bytes(result.size)})`;
      announce(`Uploaded ${path}`);
      form.reset();
      progress.value = 100;
      await loadFiles();
    } catch (error) {
      showFieldErrors(form, error, (loc) => (loc[0] === "file" ? "file" : (loc.includes("path") ? "path" : null)));
    } finally {
      uploadButton.disabled = false;
    }
  });

  filter.addEventListener("change", () => loadFiles().catch((e) => showProblem(filesBox, e)));

  replace(main,
    pageHeader(`Datastore ${store.name}`),
    h("p", { class: "lead" }, store.description || "", " Files here are named ", h("code", {}, `datastore://${store.name}/<path>`), "."),
    h("section", { class: "panel", "aria-labelledby": "upload-title" }, h("h2", { id: "upload-title" }, "Upload a file"), form),
    h("section", { class: "panel", "aria-labelledby": "files-title" }, h("h2", { id: "files-title" }, "Files"),
      h("div", { class: "filter" }, field("Only paths starting with", filter)),
      filesBox));
  await loadFiles();
}
