// @ts-check
// Boots the portal: the sign-in form or the signed-in shell, and a hash router
// (#/runs/ID) so that a page's address survives a reload and an expired session.

import { get, revoke, SessionExpired } from "./api.js";
import { announce, h, replace } from "./dom.js";
import * as session from "./session.js";
import { showProblem } from "./ui.js";
import { renderSignIn } from "./views/signin.js";
import * as datastores from "./views/datastores.js";
import * as deployments from "./views/deployments.js";
import * as endpoints from "./views/endpoints.js";
import * as models from "./views/models.js";
import * as pipelines from "./views/pipelines.js";
import * as runs from "./views/runs.js";
import * as webhooks from "./views/webhooks.js";

const SECTIONS = { pipelines, runs, endpoints, models, datastores, deployments, webhooks };

const main = document.getElementById("main");
const nav = document.getElementById("nav");
const account = document.getElementById("account");
let controller = null;

function stopView() {
  if (controller) controller.abort();
  controller = null;
  // A dialog of the page being left (or of an expired session) must not stay on top.
  document.querySelectorAll("dialog[open]").forEach((d) => /** @type {HTMLDialogElement} */ (d).close());
}

function shell(signedIn) {
  nav.hidden = !signedIn;
  account.hidden = !signedIn;
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
  stopView();
  controller = new AbortController();
  const { signal } = controller;
  const [section, ...rest] = parts();
  if (!section || !SECTIONS[section]) {
    location.replace("#/pipelines");
    return;
  }
  shell(true);
  markNav(section);
  replace(main, h("p", { class: "loading" }, "Loading…"));
  try {
    await SECTIONS[section].render(main, rest, { signal, query: query() });
  } catch (error) {
    if (signal.aborted || error instanceof SessionExpired) return;
    showProblem(main, error);
  }
  if (signal.aborted) return;
  const heading = main.querySelector("h1");
  document.title = `${heading ? heading.textContent : "Retrainer"} · Retrainer Studio`;
  // Move focus to the new page's heading, as a page load would, so that keyboard and
  // screen-reader users start at the top of what changed.
  if (heading && !main.contains(document.activeElement)) heading.focus({ preventScroll: false });
}

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
