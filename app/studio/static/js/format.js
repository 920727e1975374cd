// @ts-check
// How values read to a person: times, durations, sizes, metrics.

import { HEADLINE_METRICS } from "./types.js";

const dateTime = new Intl.DateTimeFormat(undefined, {
  year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit",
});

export function time(value) {
  if (!value) return "–";
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : dateTime.format(date);
}

export function duration(started, finished) {
  if (!started) return "–";
  const end = finished ? new Date(finished) : new Date();
  const seconds = Math.max(0, (end.getTime() - new Date(started).getTime()) / 1000);
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(Math.round(seconds % 60)).padStart(2, "0")} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}

export function bytes(size) {
  if (size === null || size === undefined) return "–";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = Number(size);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

export function number(value) {
  if (typeof value !== "number") return String(value);
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) < 1e6 ? value.toFixed(4) : value.toPrecision(4);
}

/** A value as it appears in a pipeline definition (strings without quotes). */
export function value(v) {
  if (v === undefined) return "";
  if (typeof v === "string") return v;
  return JSON.stringify(v);
}

/** [[name, value]] of the numeric metrics, headline ones first (in the spec's order). */
export function metricPairs(metrics) {
  if (!metrics || typeof metrics !== "object") return [];
  const numeric = Object.entries(metrics).filter(([k, v]) => typeof v === "number" && k !== "rows");
  const rank = (k) => (HEADLINE_METRICS.includes(k) ? HEADLINE_METRICS.indexOf(k) : HEADLINE_METRICS.length);
  return numeric.sort((a, b) => rank(a[0]) - rank(b[0]));
}

export const TERMINAL = new Set(["succeeded", "failed", "canceled"]);

/** A deployment's version change: "version 1 → version 2", or "version 1 kept" when held. */
export function versionChange(from, to) {
  if (from === null || from === undefined) return to === null || to === undefined ? "–" : `→ version ${to}`;
  if (from === to) return `version ${from} kept`;
  return `version ${from} → version ${to}`;
}

/** What a deployment's gate measured, in words: the challenger's metric against the
 * champion's on the same rows ("–" when the gate did not score). */
export function gateScore(metrics) {
  if (!metrics || !metrics.metric) return "–";
  const name = metrics.metric;
  const score = (v) => (typeof v === "number" ? v.toFixed(4) : "–");
  const champion = metrics.champion || {};
  const challenger = metrics.challenger || {};
  const parts = [`${name}: challenger ${score(challenger[name])}`,
    ` vs champion${champion.version ? ` (version ${champion.version})` : ""} ${score(champion[name])}`];
  if (typeof metrics.min_delta === "number" && metrics.min_delta !== 0) parts.push(`, min delta ${number(metrics.min_delta)}`);
  if (metrics.rows !== undefined) parts.push(` on ${metrics.rows} rows${metrics.rows_from ? ` (${metrics.rows_from})` : ""}`);
  return parts.join("");
}

/** A long value (a URI, a path, an id) as text with a line-break opportunity after each
 * separator (/ . _ - : ? & =), so that it wraps between its parts rather than mid-word.
 * @param {unknown} v @returns {Array<string | HTMLElement>} */
export function breakable(v) {
  const text = value(v);
  const parts = [];
  for (const piece of text.split(/(?<=[/._\-:?&=])/)) {
    if (parts.length) parts.push(document.createElement("wbr"));
    parts.push(piece);
  }
  return parts;
}
