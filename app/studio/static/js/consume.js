// @ts-check
// An endpoint's "Consume" tab: the full retrain URL and copyable examples (curl, the
// generated Python client `retrainer_client`, a CI job), each with its token step; and a
// service principal holding only what a retrain needs, whose secret is shown once.
//
// The examples never hold the secret: they hold a placeholder (curl), or read it from
// the environment (Python) or the CI's secrets, so a copied example leaks nothing.

import { api, get, seg } from "./api.js";
import { announce, h, replace } from "./dom.js";
import { field, showProblem } from "./ui.js";

/** @typedef {import("./types.js").EndpointOut} EndpointOut */
/** @typedef {import("./types.js").ServicePrincipalCreated} ServicePrincipalCreated */
/** @typedef {import("./types.js").VersionOut} VersionOut */

/** What a retrain needs: start it, follow it, read the endpoint, read its data paths. */
export const RETRAIN_SCOPES = ["runs:write", "runs:read", "endpoints:read", "data:read"];
export const SECRET_PLACEHOLDER = "<client secret>";

/**
 * @typedef {Object} ConsumeState
 * @property {EndpointOut} endpoint
 * @property {string} base the service's address, as this page reached it
 * @property {Record<string, any>} parameters the default version's parameters with their defaults
 * @property {ServicePrincipalCreated | null} principal created here (its secret is in no example)
 */

/** @param {ConsumeState} s */
const retrainUrl = (s) => `${s.base}/endpoints/${encodeURIComponent(s.endpoint.name)}/runs`;
/** @param {ConsumeState} s */
const clientId = (s) => (s.principal ? s.principal.client_id : "<client id>");
/** Text in single quotes for a POSIX shell. @param {string} text */
const quoted = (text) => `'${text.replace(/'/g, "'\\''")}'`;

/** @param {ConsumeState} s */
export function curlExample(s) {
  const body = JSON.stringify({ parameters: s.parameters });
  return [
    `BASE_URL=${quoted(s.base)}`,
    `CLIENT_ID=${quoted(clientId(s))}`,
    `CLIENT_SECRET=${quoted(SECRET_PLACEHOLDER)}  # shown once, when the service principal was created`,
    "",
    "# 1. A token for the service principal (OAuth 2.0 client credentials)",
    "TOKEN=$(curl -fsS -X POST \"$BASE_URL/oauth/token\" \\",
    "  --data-urlencode grant_type=client_credentials \\",
    "  --data-urlencode \"client_id=$CLIENT_ID\" --data-urlencode \"client_secret=$CLIENT_SECRET\" \\",
    "  | sed -n 's/.*\"access_token\": *\"\\([^\"]*\\)\".*/\\1/p')",
    "",
    "# 2. Retrain: 202 with the run (its id, status and Location: /runs/{id})",
    `curl -fsS -X POST ${quoted(retrainUrl(s))} \\`,
    "  -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' \\",
    `  -d ${quoted(body)}`,
  ].join("\n");
}

/** @param {ConsumeState} s */
export function pythonExample(s) {
  return [
    "# The generated client: pip install ./openapi/retrainer-client (package retrainer_client)",
    "import os",
    "",
    "import httpx",
    "from retrainer_client import AuthenticatedClient, Client",
    "from retrainer_client.api.auth import issue_token",
    "from retrainer_client.api.endpoints import retrain",
    "from retrainer_client.api.runs import get_run",
    "from retrainer_client.models import (EndpointRunRequest, EndpointRunRequestParameters,",
    "                                     IssueTokenBody, IssueTokenBodyGrantType)",
    "",
    `BASE_URL = ${JSON.stringify(s.base)}`,
    "",
    "# 1. A token for the service principal (its secret from the environment, never in code)",
    "with Client(base_url=BASE_URL, raise_on_unexpected_status=True) as anonymous:",
    "    token = issue_token.sync(client=anonymous, body=IssueTokenBody(",
    `        grant_type=IssueTokenBodyGrantType.CLIENT_CREDENTIALS, client_id=${JSON.stringify(clientId(s))},`,
    "        client_secret=os.environ[\"RETRAINER_CLIENT_SECRET\"])).access_token",
    "",
    "# 2. Retrain, then wait for the run with the long-poll",
    "with AuthenticatedClient(base_url=BASE_URL, token=token, raise_on_unexpected_status=True,",
    "                         timeout=httpx.Timeout(60)) as client:",
    `    run = retrain.sync(${JSON.stringify(s.endpoint.name)}, client=client, body=EndpointRunRequest(`,
    `        parameters=EndpointRunRequestParameters.from_dict(${JSON.stringify(s.parameters)})))`,
    "    while run.status in (\"queued\", \"running\"):",
    "        run = get_run.sync(run.id, client=client, wait=30)",
    "    print(run.id, run.status)",
    "    assert run.status == \"succeeded\", run.error",
  ].join("\n");
}

/** A GitHub Actions job (any CI runs the same two steps). @param {ConsumeState} s */
export function ciExample(s) {
  return [
    "# .github/workflows/retrain.yml: store the secret as RETRAINER_CLIENT_SECRET",
    "name: retrain",
    "on:",
    "  workflow_dispatch: {}",
    "  schedule: [{ cron: \"0 3 * * 1\" }]",
    "jobs:",
    "  retrain:",
    "    runs-on: ubuntu-latest",
    "    env:",
    `      BASE_URL: ${s.base}`,
    `      CLIENT_ID: ${clientId(s)}`,
    "    steps:",
    "      - name: Token (client credentials)",
    "        env:",
    "          CLIENT_SECRET: ${{ secrets.RETRAINER_CLIENT_SECRET }}",
    "        run: |",
    "          TOKEN=$(curl -fsS -X POST \"$BASE_URL/oauth/token\" --data-urlencode grant_type=client_credentials \\",
    "            --data-urlencode \"client_id=$CLIENT_ID\" --data-urlencode \"client_secret=$CLIENT_SECRET\" | jq -r .access_token)",
    "          echo \"::add-mask::$TOKEN\"",
    "          echo \"TOKEN=$TOKEN\" >> \"$GITHUB_ENV\"",
    "      - name: Retrain",
    "        run: |",
    `          curl -fsS -X POST "${retrainUrl(s)}" -H "Authorization: Bearer $TOKEN" \\`,
    `            -H 'Content-Type: application/json' -d ${quoted(JSON.stringify({ parameters: s.parameters }))}`,
  ].join("\n");
}

/** A copy button for `text()` (what is shown now). @param {string} what @param {() => string} text */
function copyButton(what, text) {
  return h("button", { type: "button", class: "secondary small", "aria-label": `Copy ${what}`,
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(text());
        announce(`${what} copied`);
      } catch {
        announce(`Select the ${what} text and copy it`);
      }
    } }, "Copy");
}

/** A code block labelled `label` (a figure named by its caption). @param {string} label @param {string} code */
function codeBlock(label, code) {
  const id = `code-${label.toLowerCase()}`;
  return h("figure", { class: "code-block", "aria-labelledby": id },
    h("div", { class: "code-head" }, h("figcaption", { id }, label), copyButton(label, () => code)),
    h("pre", { tabindex: "0" }, h("code", {}, code)));
}

/** The examples, filled from the state. @param {ConsumeState} s */
export function examplesPart(s) {
  return [codeBlock("curl", curlExample(s)), codeBlock("Python", pythonExample(s)), codeBlock("CI", ciExample(s))];
}

/** The principal just created: its id and its secret, shown this once. @param {ServicePrincipalCreated} p */
function createdPart(p) {
  const id = /** @type {HTMLInputElement} */ (h("input", { type: "text", readonly: true, value: p.client_id, class: "mono" }));
  const secret = /** @type {HTMLInputElement} */ (h("input", { type: "text", readonly: true, value: p.client_secret,
    class: "mono", autocomplete: "off", spellcheck: "false" }));
  return h("div", { class: "notice warning secret-box", role: "status" },
    h("p", {}, h("strong", {}, `Created ${p.name}. `),
      "Its client secret is shown only now: store it in your CI's secrets (e.g. RETRAINER_CLIENT_SECRET). "
      + "It is in none of the examples below."),
    field("Client ID", id), field("Client secret", secret), copyButton("client secret", () => p.client_secret));
}

/** Creates a service principal holding RETRAIN_SCOPES (needs the admin scope).
 * @param {ConsumeState} s @returns {Promise<ServicePrincipalCreated>} */
async function createPrincipal(s) {
  const suffix = Math.random().toString(36).slice(2, 6);
  const { data } = await api("/service-principals", { method: "POST",
    json: { name: `${s.endpoint.name.slice(0, 80)}-retrain-${suffix}`, scopes: RETRAIN_SCOPES } });
  return data;
}

/** The tab's body. @param {EndpointOut} endpoint @param {HTMLElement} panel @param {AbortSignal} signal */
export async function consumePanel(endpoint, panel, signal) {
  const version = endpoint.default_version
    ? /** @type {VersionOut} */ (await get(`/endpoints/${seg(endpoint.name)}/versions/${endpoint.default_version}`, { signal }))
    : null;
  /** @type {ConsumeState} */
  const s = { endpoint, base: location.origin, principal: null,
    parameters: Object.fromEntries(Object.entries(version ? version.parameters : {})
      .filter(([, p]) => p.default !== undefined && p.default !== null).map(([k, p]) => [k, p.default])) };
  const url = /** @type {HTMLInputElement} */ (h("input", { type: "text", readonly: true, value: retrainUrl(s), class: "mono" }));
  const examples = h("div", { class: "examples" }, examplesPart(s));
  const created = h("div", {});
  const create = /** @type {HTMLButtonElement} */ (h("button", { type: "button" }, "Create service principal"));
  create.addEventListener("click", async () => {
    create.disabled = true;
    try {
      s.principal = await createPrincipal(s);
      replace(created, createdPart(s.principal));
      replace(examples, examplesPart(s));
      announce("Service principal created: copy its secret now");
    } catch (error) {
      showProblem(created, error);
    } finally {
      create.disabled = false;
    }
  });
  replace(panel,
    h("div", { class: "url-row" }, field("Retrain URL", url, { hint: "POST with a bearer token; the body's parameters, version and experiment are optional." }),
      copyButton("retrain URL", () => url.value)),
    h("h3", {}, "A service principal for your job"),
    h("p", { class: "muted" }, `A CI job signs in with its own client id and secret, holding only ${RETRAIN_SCOPES.join(", ")}. Creating one needs the admin scope.`),
    h("div", { class: "buttons" }, create), created,
    h("h3", {}, "Examples"),
    h("p", { class: "muted" }, `Each gets a token, then retrains ${endpoint.name} with the default version's parameters${version ? ` (version ${version.version})` : ""}.`),
    examples);
}
