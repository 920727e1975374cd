// @ts-check
// Boots the portal: the sign-in form or the signed-in shell, and a hash router
// (#/runs/ID) so that a page's address survives a reload and an expired session.

import { get, revoke, SessionExpired } from "./api.js";
import { announce, h, replace } from "./dom.js";
import { guardLeaving, mayLeave } from "./leave.js";
import * as session from "./session.js";
import { empty, link, pageHeader, showProblem } from "./ui.js";
import { renderSignIn } from "./views/signin.js";
import * as datastores from "./views/datastores.js";
import * as deployments from "./views/deployments.js";
import * as endpoints from "./views/endpoints.js";
import * as models from "./views/models.js";
import * as pipelines from "./views/pipelines.js";
import * as runs from "./views/runs.js";

const SECTIONS = { pipelines, runs, endpoints, models, datastores, deployments };

const main = document.getElementById("main");
const nav = document.getElementById("nav");
const account = document.getElementById("account");
let controller = null;
// The address of the page shown, to go back to when leaving it is called off.
let shownHash = location.hash;

function stopView() {
  if (controller) controller.abort();
  controller = null;
  guardLeaving(null);
  // A dialog of the page being left (or of an expired session) must not stay on top.
  document.querySelectorAll("dialog[open]").forEach((d) => /** @type {HTMLDialogElement} */ (d).close());
}

function shell(signedIn) {
  nav.hidden = !signedIn;
  account.hidden = !signedIn;
  document.getElementById("menu-button").hidden = !signedIn;
}

function query() {
  const raw = location.hash.replace(/^#\/?/, "");
  return new URLSearchParams(raw.includes("?") ? raw.slice(raw.indexOf("?") + 1) : "");
}

function parts() {
  return location.hash.replace(/^#\/?/, "").split("?")[0].split("/").filter(Boolean).map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });
}

function markNav(section) {
  for (const a of nav.querySelectorAll("a")) {
    if (a.dataset.section === section) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}

async function route() {
  if (!session.current()) {
    signIn();
    return;
  }
  if (location.hash !== shownHash && !mayLeave()) {
    history.replaceState(null, "", shownHash || "#/pipelines");
    return;
  }
  shownHash = location.hash;
  stopView();
  controller = new AbortController();
  const { signal } = controller;
  const [section, ...rest] = parts();
  if (!section) {
    location.replace("#/pipelines");
    return;
  }
  shell(true);
  closeMenu();
  if (!SECTIONS[section]) {
    notFound();
    return;
  }
  markNav(section);
  replace(main, h("p", { class: "loading" }, "Loading…"));
  try {
    await SECTIONS[section].render(main, rest, { signal, query: query() });
  } catch (error) {
    if (signal.aborted || error instanceof SessionExpired) return;
    // What was loading is not coming (a run that does not exist): say so, and only that.
    main.querySelectorAll(".loading").forEach((el) => el.remove());
    showProblem(main, error);
  }
  if (signal.aborted) return;
  const heading = main.querySelector("h1");
  document.title = `${heading ? heading.textContent : "Retrainer"} · Retrainer Studio`;
  // Move focus to the new page's heading, as a page load would, so that keyboard and
  // screen-reader users start at the top of what changed.
  if (heading && !main.contains(document.activeElement)) heading.focus({ preventScroll: false });
}

function notFound() {
  markNav(null);
  replace(main, pageHeader("Page not found"),
    empty(["There is no page at this address (", h("code", {}, location.hash), "). ",
      link("#/pipelines", "Go to Pipelines"), "."]));
  document.title = "Page not found · Retrainer Studio";
  /** @type {HTMLElement} */ (main.querySelector("h1")).focus();
}

// Phones: the navigation folds into a menu button.
const menuButton = /** @type {HTMLButtonElement} */ (document.getElementById("menu-button"));
function closeMenu() {
  menuButton.setAttribute("aria-expanded", "false");
  document.body.classList.remove("menu-open");
}
menuButton.addEventListener("click", () => {
  const open = menuButton.getAttribute("aria-expanded") !== "true";
  menuButton.setAttribute("aria-expanded", String(open));
  document.body.classList.toggle("menu-open", open);
});
nav.addEventListener("click", (event) => {
  if (/** @type {HTMLElement} */ (event.target).closest("a")) closeMenu();
});

async function showAccount() {
  const whoami = document.getElementById("whoami");
  try {
    const me = await get("/me");
    whoami.textContent = `${me.name} · workspace ${me.workspace}`;
  } catch {
    whoami.textContent = "";
  }
}

function signIn(message) {
  stopView();
  shell(false);
  document.title = "Sign in · Retrainer Studio";
  renderSignIn(main, {
    message,
    onSignedIn: () => {
      showAccount();
      route();
    },
  });
}

session.events.addEventListener("expired", () => {
  // Keep the address: after signing in again the person is back where they were.
  signIn({ text: "Your session has expired. Sign in again to continue where you were.", kind: "warning" });
});

document.getElementById("sign-out").addEventListener("click", async () => {
  await revoke();
  session.end();
  signIn({ text: "You are signed out.", kind: "info" });
  announce("Signed out");
});

document.getElementById("skip-link").addEventListener("click", (event) => {
  event.preventDefault(); // "#main" would be read as a route
  main.focus();
});

window.addEventListener("hashchange", route);

if (session.current()) {
  showAccount();
  route();
} else {
  signIn();
}
