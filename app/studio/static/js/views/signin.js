// @ts-check
// Sign-in with the OAuth 2.0 password grant. The token goes to sessionStorage (this
// tab only) and never into the address bar.

import { passwordGrant } from "../api.js";
import { h, replace } from "../dom.js";
import * as session from "../session.js";
import { field } from "../ui.js";

export function renderSignIn(main, { message, onSignedIn }) {
  const username = h("input", { type: "text", name: "username", autocomplete: "username", required: true, autocapitalize: "none", spellcheck: "false" });
  const password = h("input", { type: "password", name: "password", autocomplete: "current-password", required: true });
  const error = h("div", { class: "form-problem", "aria-live": "assertive" });
  const button = h("button", { type: "submit" }, "Sign in");
  const form = h("form", { class: "form signin", method: "post", action: "#" },
    h("h1", { tabindex: "-1" }, "Sign in to Retrainer Studio"),
    message ? h("p", { class: `notice ${message.kind}`, role: "status" }, message.text) : null,
    error,
    field("Username", username),
    field("Password", password),
    h("div", { class: "buttons" }, button),
    h("p", { class: "muted" }, "The API docs are at ", h("a", { href: "/docs" }, "/docs"), "."));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.replaceChildren();
    if (!username.value || !password.value) {
      error.append(h("p", { class: "problem", role: "alert" }, "Enter your username and password."));
      (username.value ? password : username).focus();
      return;
    }
    button.disabled = true;
    try {
      const answer = await passwordGrant(username.value, password.value);
      session.start(answer.access_token, answer.expires_in, username.value);
      onSignedIn();
    } catch (failure) {
      const body = failure.problem || {};
      const text = body.error === "invalid_grant" ? "Wrong username or password."
        : (body.error_description || body.detail || failure.message);
      error.append(h("p", { class: "problem", role: "alert" }, text));
      password.select();
      password.focus();
    } finally {
      button.disabled = false;
    }
  });
  replace(main, h("div", { class: "signin-wrap" }, form));
  (message ? username : username).focus();
}
