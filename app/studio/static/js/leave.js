// @ts-check
// "Leave with unsaved changes?": a page with unsaved work registers a check; the router
// asks it before showing another page, and the browser asks before a reload or close.

/** @type {(() => boolean) | null} */
let unsaved = null;

/** `hasUnsaved()` says whether leaving now would lose work; null: nothing to lose.
 * @param {(() => boolean) | null} hasUnsaved */
export function guardLeaving(hasUnsaved) {
  unsaved = hasUnsaved;
}

/** True when the page may be left: nothing unsaved, or the person says so. */
export function mayLeave() {
  if (!unsaved || !unsaved()) return true;
  // A native confirm: modal, read by screen readers, answered with the keyboard.
  return window.confirm("This draft has unsaved changes. Leave without saving them?");
}

window.addEventListener("beforeunload", (event) => {
  if (unsaved && unsaved()) event.preventDefault();
});
