// @ts-check
// The component library (GET /components), fetched once per page load: it changes
// only with a new release of the service.

import { get } from "./api.js";

let cache = null;

export async function components(signal) {
  if (!cache) {
    cache = get("/components", { signal }).then((page) => {
      const byName = {};
      for (const c of page.items || page) byName[c.name] = c;
      return byName;
    }).catch((error) => {
      cache = null;
      throw error;
    });
  }
  return cache;
}

/** The non-null branch of a pydantic `anyOf: [X, null]` schema. */
export function plain(schema) {
  if (!schema) return {};
  if (Array.isArray(schema.anyOf)) {
    const branch = schema.anyOf.find((s) => s.type !== "null");
    return { ...branch, description: schema.description, default: schema.default, title: schema.title };
  }
  return schema;
}

/** The parameter type that fits a setting's JSON schema. */
export function parameterTypeFor(schema) {
  const s = plain(schema);
  if (s.enum) return "enum";
  if (s.type === "string" && (s.pattern || "").startsWith("^datastore://")) return "data_path";
  if (["integer", "number", "boolean", "string"].includes(s.type)) return s.type;
  return "string";
}
