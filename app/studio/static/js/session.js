// @ts-check
// The access token lives in this tab only (sessionStorage: never a cookie, never in a
// URL), so it is gone when the tab closes and no other site's script can send it.

const KEY = "retrainer.session";
export const events = new EventTarget();

function load() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY) || "null");
  } catch {
    return null;
  }
}

export function current() {
  const state = load();
  if (!state || !state.token) return null;
  if (Date.now() >= state.expiresAt) {
    expire();
    return null;
  }
  return state;
}

export function token() {
  const state = current();
  return state ? state.token : null;
}

export function start(accessToken, expiresIn, username) {
  // Treat the token as expired a little early, so a request never races its expiry.
  const expiresAt = Date.now() + Math.max(0, (Number(expiresIn) || 0) - 5) * 1000;
  sessionStorage.setItem(KEY, JSON.stringify({ token: accessToken, expiresAt, username }));
  scheduleExpiry(expiresAt);
  events.dispatchEvent(new Event("signed-in"));
}

export function end() {
  sessionStorage.removeItem(KEY);
  clearTimeout(timer);
}

/** The server refused the token (expired or revoked), or its lifetime ran out here. */
export function expire() {
  if (!sessionStorage.getItem(KEY)) return;
  end();
  events.dispatchEvent(new Event("expired"));
}

let timer = null;
function scheduleExpiry(expiresAt) {
  clearTimeout(timer);
  // setTimeout takes at most ~24.8 days; tokens live minutes to hours.
  timer = setTimeout(expire, Math.min(Math.max(0, expiresAt - Date.now()), 2 ** 31 - 1));
}

const existing = load();
if (existing && existing.token) scheduleExpiry(existing.expiresAt);
