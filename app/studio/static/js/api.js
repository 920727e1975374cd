// @ts-check
// The REST client: bearer token, problem details, 401 -> session expired. The portal
// uses the same public API as every other client, and nothing else.

import * as session from "./session.js";

export class ApiError extends Error {
  constructor(status, body, statusText) {
    const detail = body && (body.detail || body.error_description || body.title);
    super(detail || `HTTP ${status} ${statusText || ""}`.trim());
    this.status = status;
    this.problem = body && typeof body === "object" ? body : null;
  }

  /** errors[] of an RFC 9457 validation problem: [{loc, msg}] */
  get errors() {
    return (this.problem && Array.isArray(this.problem.errors)) ? this.problem.errors : [];
  }
}

export class SessionExpired extends Error {
  constructor() {
    super("Your session has expired.");
  }
}

function authHeaders(extra) {
  const token = session.token();
  if (!token) throw new SessionExpired();
  const headers = new Headers(extra || {});
  headers.set("Authorization", `Bearer ${token}`);
  return headers;
}

async function parse(response) {
  const type = response.headers.get("Content-Type") || "";
  if (type.includes("json")) {
    try {
      return await response.json();
    } catch {
      return null;
    }
  }
  return await response.text();
}

/**
 * @typedef {Object} RequestOptions
 * @property {string} [method]
 * @property {unknown} [json] a body sent as JSON
 * @property {BodyInit} [body]
 * @property {HeadersInit} [headers]
 * @property {AbortSignal} [signal]
 * @property {string} [accept] the media type asked for (JSON unless said)
 */

/** fetch() with the token; resolves {status, data, headers}, throws ApiError for 4xx/5xx.
 * @param {string} path @param {RequestOptions} [options] @returns {Promise<{status: number, data: any, headers: Headers}>} */
export async function api(path, { method = "GET", json, body, headers, signal, accept } = {}) {
  const h = authHeaders(headers);
  h.set("Accept", accept || "application/json");
  if (json !== undefined) {
    h.set("Content-Type", "application/json");
    body = JSON.stringify(json);
  }
  // no-store: an If-None-Match we set ourselves gets the server's 304 back as is.
  const response = await fetch(path, { method, headers: h, body, signal, cache: "no-store" });
  if (response.status === 401) {
    session.expire();
    throw new SessionExpired();
  }
  if (response.status === 304) return { status: 304, data: null, headers: response.headers };
  const data = await parse(response);
  if (!response.ok) throw new ApiError(response.status, data, response.statusText);
  return { status: response.status, data, headers: response.headers };
}

/** @param {string} path @param {RequestOptions} [options] @returns {Promise<any>} */
export async function get(path, options) {
  return (await api(path, options)).data;
}

/** Every page of a paginated list (items + next_cursor), up to `max` items.
 * @param {string} path @param {{signal?: AbortSignal, max?: number}} [options] @returns {Promise<Array<any>>} */
export async function getAll(path, { signal, max = 2000 } = {}) {
  const items = [];
  let cursor = null;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const page = await get(`${path}${sep}limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      { signal });
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && items.length < max);
  return items;
}

/** The OAuth 2.0 password grant; resolves the token response, throws ApiError. */
export async function passwordGrant(username, password) {
  const body = new URLSearchParams({ grant_type: "password", username, password });
  const response = await fetch("/oauth/token", { method: "POST", body, cache: "no-store" });
  const data = await parse(response);
  if (!response.ok) throw new ApiError(response.status, data, response.statusText);
  return data;
}

/** RFC 7009: the server forgets the token, so a copy of it is worthless too. */
export async function revoke() {
  const token = session.token();
  if (!token) return;
  await fetch("/oauth/revoke", {
    method: "POST", cache: "no-store",
    headers: { Authorization: `Bearer ${token}` },
    body: new URLSearchParams({ token }),
  }).catch(() => {});
}

/** Downloads an authenticated file: a link cannot carry the bearer header, so the
 * file is fetched and handed to the browser as a blob. */
export async function download(path, filename) {
  saveBlob(await downloadBlob(path), filename);
}

export async function downloadBlob(path) {
  const h = authHeaders();
  const response = await fetch(path, { headers: h, cache: "no-store" });
  if (response.status === 401) {
    session.expire();
    throw new SessionExpired();
  }
  if (!response.ok) throw new ApiError(response.status, await parse(response), response.statusText);
  return response.blob();
}

export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** PUT a file with upload progress (fetch cannot report upload progress; XHR can). */
export function upload(path, file, onProgress) {
  return new Promise((resolve, reject) => {
    let headers;
    try {
      headers = authHeaders();
    } catch (error) {
      reject(error);
      return;
    }
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", path);
    headers.forEach((value, key) => xhr.setRequestHeader(key, value));
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded, event.total);
    });
    xhr.addEventListener("load", () => {
      let data = null;
      try {
        data = JSON.parse(xhr.responseText);
      } catch { /* not JSON */ }
      if (xhr.status === 401) {
        session.expire();
        reject(new SessionExpired());
      } else if (xhr.status >= 200 && xhr.status < 300) resolve(data);
      else reject(new ApiError(xhr.status, data, xhr.statusText));
    });
    xhr.addEventListener("error", () => reject(new Error("The upload was interrupted (network error).")));
    xhr.send(file);
  });
}

/** A path segment (names and ids) for a URL. */
export const seg = (value) => encodeURIComponent(String(value));
/** A datastore path ("census/us.csv") for a URL: each segment encoded, slashes kept. */
export const filePath = (path) => String(path).split("/").map(encodeURIComponent).join("/");
