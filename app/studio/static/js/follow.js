// @ts-check
// Follows a run with the long-poll: GET /runs/{id}?wait=30 with If-None-Match answers
// as soon as anything in the run changes, or 304 after 30 s (then ask again). No
// tight polling loop: one open request per followed run.

import { api, seg, SessionExpired } from "./api.js";
import { TERMINAL } from "./format.js";

const WAIT = 30;
const sleep = (ms, signal) => new Promise((resolve) => {
  const t = setTimeout(resolve, ms);
  signal?.addEventListener("abort", () => { clearTimeout(t); resolve(); }, { once: true });
});

/** Loads a run: {run, etag}. @param {string} id @param {AbortSignal} [signal]
 * @returns {Promise<{run: import("./types.js").RunOut, etag: string | null}>} */
export async function loadRun(id, signal) {
  const { data, headers } = await api(`/runs/${seg(id)}`, { signal });
  return { run: data, etag: headers.get("ETag") };
}

/** Calls onUpdate(run) at each change until the run is finished or `signal` aborts.
 * @param {string} id @param {string | null} etag
 * @param {{signal: AbortSignal, onUpdate: (run: import("./types.js").RunOut) => void, onTrouble?: (error: any) => void}} options */
export async function follow(id, etag, { signal, onUpdate, onTrouble }) {
  let failures = 0;
  while (!signal.aborted) {
    try {
      const headers = etag ? { "If-None-Match": etag } : {};
      const { status, data, headers: answer } = await api(`/runs/${seg(id)}?wait=${WAIT}`, { signal, headers });
      failures = 0;
      if (onTrouble) onTrouble(null);
      if (status === 304) continue;
      etag = answer.get("ETag");
      onUpdate(data);
      if (TERMINAL.has(data.status)) return data;
    } catch (error) {
      if (signal.aborted || error instanceof SessionExpired || error.name === "AbortError") return null;
      if (error.status && error.status < 500 && error.status !== 429) throw error;
      // Unreachable or 5xx (a restart): back off, then carry on.
      failures += 1;
      if (onTrouble) onTrouble(error);
      await sleep(Math.min(30_000, 1000 * 2 ** failures), signal);
    }
  }
  return null;
}

export { sleep };
