// @ts-check
// What an evaluate step learned, as a person reads it: the ROC and precision-recall
// curves of a binary classifier, the confusion matrix as a shaded grid, a regressor's
// residuals, and the learner's feature importances. Pure functions of the step's
// metrics (worker/components/insights.py bounds them); every chart is an SVG image
// with a name that says what it shows, next to the numbers it is drawn from.

import { h } from "./dom.js";
import { number } from "./format.js";
import { table } from "./ui.js";

const SIZE = 220; // the plot's side, in SVG units
const PAD = 34; // room for the axes' labels

/** @param {string} tag @param {Record<string, any>} [attrs] @param {...any} children */
const svg = (tag, attrs = {}, ...children) => h(`svg:${tag}`, attrs, ...children);

/** x and y in [0, 1] to SVG coordinates. @param {number} x @param {number} y */
function at(x, y) {
  return `${(PAD + x * SIZE).toFixed(1)},${(PAD / 2 + (1 - y) * SIZE).toFixed(1)}`;
}

/** The frame of a unit plot: axes, ticks at 0, 0.5 and 1, and the axes' names. */
function unitAxes(xName, yName) {
  const ticks = [0, 0.5, 1];
  const bottom = PAD / 2 + SIZE;
  return [
    svg("rect", { x: PAD, y: PAD / 2, width: SIZE, height: SIZE, class: "plot-frame" }),
    ticks.map((t) => [
      svg("text", { x: PAD + t * SIZE, y: bottom + 14, class: "tick", "text-anchor": "middle" }, String(t)),
      svg("text", { x: PAD - 5, y: PAD / 2 + (1 - t) * SIZE + 4, class: "tick", "text-anchor": "end" }, String(t)),
    ]),
    svg("text", { x: PAD + SIZE / 2, y: bottom + 30, class: "axis-name", "text-anchor": "middle" }, xName),
    svg("text", { x: 12, y: PAD / 2 + SIZE / 2, class: "axis-name", "text-anchor": "middle",
      transform: `rotate(-90 12 ${PAD / 2 + SIZE / 2})` }, yName),
  ];
}

/** A figure named by its caption holding an SVG image named by `description`. */
function figure(caption, description, parts, note) {
  const id = `fig-${caption.toLowerCase().replace(/[^a-z]+/g, "-")}`;
  return h("figure", { class: "chart", "aria-labelledby": id },
    svg("svg", { viewBox: `0 0 ${SIZE + PAD + 8} ${SIZE + PAD + 20}`, role: "img", "aria-label": description },
      parts),
    h("figcaption", { id }, caption),
    note ? h("p", { class: "muted chart-note" }, note) : null);
}

/** The ROC curve (false positive rate against true positive rate) and the chance diagonal.
 * @param {{fpr: number[], tpr: number[]}} curve @param {number | undefined} auc */
export function rocFigure(curve, auc) {
  const points = curve.fpr.map((x, i) => at(x, curve.tpr[i])).join(" ");
  const area = typeof auc === "number" ? `area under the curve ${auc.toFixed(3)}` : "";
  return figure("ROC curve",
    `ROC curve: true positive rate against false positive rate, ${area} (0.5 is chance), ${curve.fpr.length} points`,
    [unitAxes("False positive rate", "True positive rate"),
      svg("line", { x1: PAD, y1: PAD / 2 + SIZE, x2: PAD + SIZE, y2: PAD / 2, class: "chance" }),
      svg("polyline", { points, class: "curve" })],
    area ? `AUC ${auc.toFixed(4)}` : null);
}

/** The precision-recall curve. @param {{precision: number[], recall: number[]}} curve
 * @param {number | undefined} ap the average precision */
export function prFigure(curve, ap) {
  const points = curve.recall.map((x, i) => at(x, curve.precision[i])).join(" ");
  const summary = typeof ap === "number" ? `average precision ${ap.toFixed(3)}` : "";
  return figure("Precision-recall curve",
    `Precision-recall curve: precision against recall, ${summary}, ${curve.recall.length} points`,
    [unitAxes("Recall", "Precision"), svg("polyline", { points, class: "curve" })],
    summary ? `Average precision ${ap.toFixed(4)}` : null);
}

// The grid's shade: white to the accent colour; the text is black or white, whichever
// contrasts more with the cell (both above 4.5:1 on either side of the switch).
const ACCENT = [31, 78, 140];

/** @param {number} share 0..1 @returns {{background: string, dark: boolean}} */
function shade(share) {
  const rgb = ACCENT.map((c) => Math.round(255 - share * 0.9 * (255 - c)));
  const lin = rgb.map((c) => { const s = c / 255; return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; });
  const luminance = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
  return { background: `rgb(${rgb.join(" ")})`, dark: luminance < 0.179 };
}

/** The confusion matrix as a table: a row per true class, a column per predicted class,
 * each cell shaded by its share of its row. @param {{labels: any[], matrix: number[][]}} cm */
export function confusionGrid(cm) {
  const labels = cm.labels.map(String);
  const rows = cm.matrix.map((row, i) => {
    const total = row.reduce((a, b) => a + b, 0) || 1;
    return h("tr", {},
      h("th", { scope: "row" }, labels[i]),
      row.map((n, j) => {
        const { background, dark } = shade(n / total);
        const cell = h("td", { class: `num cm-cell${dark ? " on-dark" : ""}${i === j ? " diagonal" : ""}` },
          String(n), h("span", { class: "cm-share" }, ` ${Math.round((n / total) * 100)}%`));
        cell.style.backgroundColor = background;
        return cell;
      }));
  });
  const grid = table("Confusion matrix", [h("span", {}, "True \\ predicted"), ...labels.map((l) => `Predicted ${l}`)],
    rows, { hideCaption: false });
  grid.classList.add("confusion");
  return grid;
}

/** A regressor's residuals (true - predicted) as a histogram, and their quantiles.
 * @param {{edges: number[], counts: number[], quantiles: Record<string, number>, mean: number}} r */
export function residualsFigure(r) {
  const most = Math.max(...r.counts, 1);
  const width = SIZE / r.counts.length;
  const bars = r.counts.map((n, i) => svg("rect", {
    x: PAD + i * width + 1, width: Math.max(width - 2, 1),
    y: PAD / 2 + SIZE * (1 - n / most), height: SIZE * (n / most), class: "bar",
  }));
  const low = r.edges[0];
  const high = r.edges[r.edges.length - 1];
  const frame = [
    svg("rect", { x: PAD, y: PAD / 2, width: SIZE, height: SIZE, class: "plot-frame" }),
    svg("text", { x: PAD, y: PAD / 2 + SIZE + 14, class: "tick", "text-anchor": "start" }, number(low)),
    svg("text", { x: PAD + SIZE, y: PAD / 2 + SIZE + 14, class: "tick", "text-anchor": "end" }, number(high)),
    svg("text", { x: PAD + SIZE / 2, y: PAD / 2 + SIZE + 30, class: "axis-name", "text-anchor": "middle" }, "Residual (true − predicted)"),
  ];
  const q = r.quantiles;
  return [figure("Residuals",
    `Histogram of residuals from ${number(low)} to ${number(high)}: median ${number(q["0.5"])}, mean ${number(r.mean)}`,
    [frame, bars]),
  table("Residual quantiles", ["Quantile", "Residual"], Object.entries(q).map(([k, v]) =>
    h("tr", {}, h("th", { scope: "row" }, k === "0.0" ? "min" : (k === "1.0" ? "max" : `${Math.round(Number(k) * 100)}%`)),
      h("td", { class: "num" }, number(v)))), { hideCaption: false })];
}

/** The learner's top features, each with a bar of its share of the largest.
 * @param {{kind: string, features: number, top: Array<{feature: string, importance: number}>}} imp */
export function importancesTable(imp) {
  const most = Math.max(...imp.top.map((f) => f.importance), Number.EPSILON);
  return [table("Feature importances", ["Feature", `Importance (${imp.kind})`], imp.top.map((f) => {
    const bar = h("span", { class: "importance-bar", "aria-hidden": "true" });
    bar.style.width = `${Math.round((f.importance / most) * 100)}%`;
    return h("tr", {}, h("th", { scope: "row", class: "wrap-anywhere" }, f.feature),
      h("td", { class: "importance" }, h("span", { class: "num" }, number(f.importance)), bar));
  }), { hideCaption: false }),
  imp.features > imp.top.length ? h("p", { class: "muted" }, `The top ${imp.top.length} of ${imp.features} encoded features.`) : null];
}

/** The region "Evaluation" for an evaluate step's metrics, or null when they hold nothing to draw.
 * @param {Record<string, any> | null | undefined} m */
export function evaluationPart(m) {
  if (!m || typeof m !== "object") return null;
  const parts = [
    m.roc_curve ? rocFigure(m.roc_curve, m.roc_auc) : null,
    m.pr_curve ? prFigure(m.pr_curve, m.average_precision) : null,
    m.confusion_matrix ? confusionGrid(m.confusion_matrix) : (m.confusion_matrix_note ? h("p", { class: "muted" }, `Confusion matrix ${m.confusion_matrix_note}.`) : null),
    m.residuals ? residualsFigure(m.residuals) : null,
    m.feature_importances && m.feature_importances.top.length ? importancesTable(m.feature_importances) : null,
  ].filter(Boolean);
  if (!parts.length) return null;
  return h("section", { class: "evaluation", "aria-labelledby": "evaluation-title" },
    h("h3", { id: "evaluation-title" }, "Evaluation"),
    h("p", { class: "muted" }, m.task === "regression"
      ? `How far the predictions of ${m.label_column} fell from the truth on ${m.rows} test rows.`
      : `How the model told the classes of ${m.label_column} apart on ${m.rows} test rows${m.positive_class !== undefined ? ` (positive class ${m.positive_class})` : ""}.`),
    h("div", { class: "charts" }, parts));
}
