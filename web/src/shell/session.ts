/** The standalone shell's login: the Django host's token endpoint, the token kept locally. */
export const TOKEN_KEY = "access_token";
/** Set as a tab logs out (not as a session merely ends): every other tab forgets its draft too. */
export const LOGGED_OUT_KEY = "logged_out_at";

export interface Session {
  token: string;
  username: string;
  isStaff: boolean;
  expiresAt: number;
}

function claimsOf(token: string): Record<string, unknown> | null {
  const payload = token.split(".")[1];
  if (!payload) return null;
  try {
    const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
    return JSON.parse(json) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** What the token says (for the shell's display only; the API's authorizer decides). */
export function sessionOf(token: string | null): Session | null {
  if (!token) return null;
  const claims = claimsOf(token);
  if (!claims) return null;
  const expiresAt = typeof claims.exp === "number" ? claims.exp * 1000 : 0;
  if (expiresAt && expiresAt < Date.now()) return null;
  return {
    token,
    username: typeof claims.username === "string" ? claims.username : "",
    isStaff: claims.is_staff === true,
    expiresAt,
  };
}

export function loadSession(): Session | null {
  return sessionOf(localStorage.getItem(TOKEN_KEY));
}

export async function logIn(username: string, password: string): Promise<Session> {
  const response = await fetch("/api/v1/auth/token/", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  if (response.status === 401) throw new Error("Wrong username or password.");
  if (!response.ok) throw new Error(`The host could not log you in (${response.status}).`);
  const body = (await response.json()) as { access?: string };
  const session = sessionOf(body.access ?? null);
  if (!session) throw new Error("The host answered without a usable token.");
  localStorage.setItem(TOKEN_KEY, session.token);
  return session;
}

/** Forgets `token`, when it is still the one kept: not a newer one another tab logged in
 * with meanwhile (this tab ending its old session would log that tab out too). */
export function logOut(token: string): void {
  if (localStorage.getItem(TOKEN_KEY) === token) localStorage.removeItem(TOKEN_KEY);
}

/** Where the API is: `/config.json` from the static server, else the build's setting. */
export async function loadApiBaseUrl(): Promise<string> {
  try {
    const response = await fetch("/config.json", { cache: "no-store" });
    if (response.ok) {
      const config = (await response.json()) as { apiBaseUrl?: string };
      if (config.apiBaseUrl) return config.apiBaseUrl;
    }
  } catch {
    // fall through to the build's setting
  }
  return import.meta.env.VITE_IDENTITY_IMAGES_API_URL ?? "http://127.0.0.1:3000/v1";
}
