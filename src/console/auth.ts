/**
 * Console sessions and CSRF defence.
 *
 * Session: the sign-in form posts the bearer token once. The cookie never holds the token: it holds
 * `v1.<nonce>.<sha256 of the token>.<expiry ms>.<HMAC>` under a server key, HttpOnly,
 * SameSite=Strict, Path=/console (Secure over https). Every request re-reads the token row by its
 * hash, so revoking the token ends the console session at once; a stolen cookie is useless to the
 * API (which wants the secret) and dies at the expiry. Several instances share the key (the
 * composition root derives it from PII_KEY), so a session works behind a load balancer.
 *
 * CSRF: three layers. SameSite=Strict keeps the cookie off cross-site requests; every
 * state-changing form carries a per-session token (HMAC of the session nonce) checked here; and a
 * POST whose Origin (or Sec-Fetch-Site) says it came from another site is refused before anything
 * else. The sign-in form, which has no session yet, uses a double-submit cookie instead.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Actor, AppDependencies } from "../context.ts";
import { authenticateTokenHash, hashToken } from "../tokens/tokens.service.ts";
import type { Lang, Translate } from "./i18n.ts";

export const SESSION_COOKIE = "gk_console_session";
export const LOGIN_NONCE_COOKIE = "gk_console_login";
export const CSRF_FIELD = "_csrf";
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

export interface ConsoleSession {
  nonce: string;
  tokenHash: string;
  expiresAt: number;
}

export interface ConsoleEnv {
  Variables: {
    deps: AppDependencies;
    lang: Lang;
    t: Translate;
    /** Set once the session cookie has been verified and the token is still live. */
    actor: Actor;
    session: ConsoleSession;
    csrfToken: string;
  };
}

export type ConsoleContext = Context<ConsoleEnv>;

function mac(key: string, material: string): string {
  return createHmac("sha256", key).update(material).digest("base64url");
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * The session key every instance derives alike from the PII key they already share (a separate
 * HMAC domain, so the PII key itself never signs cookies and cannot be recovered from one).
 */
export function consoleSessionKey(piiKey: string): string {
  return createHmac("sha256", piiKey).update("gatekeeper console session v1").digest("base64url");
}

export function sealSession(key: string, token: string, now: Date): string {
  const nonce = randomBytes(16).toString("base64url");
  const body = `v1.${nonce}.${hashToken(token)}.${now.getTime() + SESSION_TTL_MS}`;
  return `${body}.${mac(key, body)}`;
}

export function openSession(key: string, cookie: string | undefined, now: Date): ConsoleSession | undefined {
  if (!cookie || cookie.length > 300) return undefined;
  const match = /^(v1\.([A-Za-z0-9_-]{22})\.([0-9a-f]{64})\.(\d{13}))\.([A-Za-z0-9_-]{43})$/.exec(cookie);
  if (!match) return undefined;
  const [, body, nonce, tokenHash, expiry, signature] = match;
  if (!sameText(mac(key, body!), signature!)) return undefined;
  const expiresAt = Number(expiry);
  if (expiresAt <= now.getTime()) return undefined;
  return { nonce: nonce!, tokenHash: tokenHash!, expiresAt };
}

/** The per-session CSRF token: bound to the session nonce, so it changes with every sign-in. */
export function csrfTokenFor(key: string, session: ConsoleSession): string {
  return mac(key, `csrf.${session.nonce}`);
}

export function checkCsrf(key: string, session: ConsoleSession, presented: unknown): boolean {
  return typeof presented === "string" && sameText(csrfTokenFor(key, session), presented);
}

/**
 * Refuses requests a browser marks as cross-site. Browsers send Origin on every POST; when it is
 * there it must name this host. Non-browser clients send neither header and are no CSRF vector
 * (they hold no ambient cookie unless given one), so they still need the CSRF token.
 */
export function sameOrigin(c: Context): boolean {
  const fetchSite = c.req.header("sec-fetch-site");
  if (fetchSite && fetchSite !== "same-origin" && fetchSite !== "none") return false;
  const origin = c.req.header("origin");
  if (origin === undefined) return true;
  if (origin === "null") return false;
  try {
    return new URL(origin).host === (c.req.header("host") ?? new URL(c.req.url).host);
  } catch {
    return false;
  }
}

function isSecure(c: Context): boolean {
  return new URL(c.req.url).protocol === "https:";
}

export function setSessionCookie(c: Context, value: string): void {
  setCookie(c, SESSION_COOKIE, value, { httpOnly: true, sameSite: "Strict", path: "/console", secure: isSecure(c), maxAge: SESSION_TTL_MS / 1000 });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/console", secure: isSecure(c) });
}

/** The sign-in form's double-submit value: a cookie and a hidden field that must agree. */
export function issueLoginNonce(c: Context): string {
  const nonce = randomBytes(16).toString("base64url");
  setCookie(c, LOGIN_NONCE_COOKIE, nonce, { httpOnly: true, sameSite: "Strict", path: "/console", secure: isSecure(c), maxAge: 3600 });
  return nonce;
}

export function checkLoginNonce(c: Context, presented: unknown): boolean {
  const cookie = getCookie(c, LOGIN_NONCE_COOKIE);
  return typeof presented === "string" && !!cookie && sameText(cookie, presented);
}

/** Resolves the session cookie to a live actor, or undefined (no cookie, bad MAC, expired, token revoked). */
export async function sessionActor(c: ConsoleContext, key: string): Promise<{ actor: Actor; session: ConsoleSession } | undefined> {
  const deps = c.get("deps");
  const now = deps.clock();
  const session = openSession(key, getCookie(c, SESSION_COOKIE), now);
  if (!session) return undefined;
  const actor = await authenticateTokenHash(deps.database.db, session.tokenHash, now);
  return actor ? { actor, session } : undefined;
}

/** What a role may do in the console. The services enforce the same rules; these only choose what to show. */
export const may = {
  decideSignatures: (actor: Actor) => actor.type === "operator" || actor.type === "system",
  decideReviews: (actor: Actor) => actor.type === "operator" || actor.type === "system",
  verifyAuditChain: (actor: Actor) => actor.type !== "sp",
  seeAllSps: (actor: Actor) => actor.type !== "sp",
};
