/**
 * The web console, server-rendered with hono/jsx and mounted at /console next to the API. It calls
 * the services directly with the signed-in actor's context (no HTTP round trip), so it sees and
 * may change exactly what that actor's token may through the API.
 *
 * Routes (GET pages accept ?lang=zh|en; list pages accept ?format=csv|json to export):
 *   GET  /console                      → /console/dashboard
 *   GET  /console/login, POST /console/login, POST /console/logout
 *   GET  /console/dashboard            traffic and refusals per day, top reasons
 *   GET  /console/refusals             the journal, filtered and paged
 *   GET  /console/signatures           the approval queue (pending by default)
 *   POST /console/signatures/:id/approve | /reject   (operators; reason required)
 *   GET  /console/sps, /console/sps/:id
 *   GET  /console/ports, /console/ports/:id
 *   GET  /console/reviews, /console/reviews/:id; POST /console/reviews (start),
 *        /console/reviews/:id/findings/:findingId/decision, /console/reviews/:id/close
 *   GET  /console/complaints
 *   GET  /console/audit                the trail; ?verify=1 checks the hash chain
 *   GET  /console/rule-modes           modes, and monitored would-be refusals per day per group
 *   GET  /console/preferences, POST /console/preferences, /console/preferences/:id/delete
 *   GET  /console/honeypots, POST /console/honeypots, /console/honeypots/:id/delete
 */
import { Hono, type Next } from "hono";
import { bodyLimit } from "hono/body-limit";
import { getCookie, setCookie } from "hono/cookie";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Logger } from "pino";
import { AuthFailureLimiter, clientAddress } from "../api/auth.ts";
import { ServiceError, errorCodes } from "../lib/errors.ts";
import { authenticateToken } from "../tokens/tokens.service.ts";
import {
  CSRF_FIELD,
  checkCsrf,
  checkLoginNonce,
  clearSessionCookie,
  csrfTokenFor,
  sameOrigin,
  sealSession,
  sessionActor,
  setSessionCookie,
  type ConsoleContext,
  type ConsoleEnv,
} from "./auth.ts";
import { LANG_COOKIE, parseLang, translator, type MessageKey } from "./i18n.ts";
import { CONTENT_SECURITY_POLICY } from "./layout.tsx";
import { errorPage } from "./page.tsx";
import { auditPage } from "./pages/audit.tsx";
import { contentCreateRule, contentDecide, contentDryRun, contentPage, contentRuleMode } from "./pages/content.tsx";
import { dashboardPage } from "./pages/dashboard.tsx";
import { loginPage } from "./pages/login.tsx";
import { portPage, portsPage } from "./pages/ports.tsx";
import { consentsPage } from "./pages/consents.tsx";
import { refusalsPage } from "./pages/refusals.tsx";
import { closeReview, complaintsPage, decideFinding, reviewPage, reviewsPage, startReview } from "./pages/reviews.tsx";
import { serviceProviderPage, serviceProvidersPage } from "./pages/service-providers.tsx";
import { decideSignature, signaturesPage } from "./pages/signatures.tsx";
import { deleteHoneypot, deletePreference, honeypotsPage, preferencesPage, ruleModesPage, saveHoneypot, savePreference } from "./pages/shield.tsx";
import type { ReviewsBackend } from "./reviews-backend.ts";

export interface ConsoleOptions {
  /** Signs session cookies and CSRF tokens; at least 32 characters, the same on every instance. */
  sessionKey: string;
  /** The reviews and complaints backend; without it those pages say they are not connected. */
  reviews?: ReviewsBackend;
  logger?: Logger;
}

const MAX_FORM_BYTES = 64 * 1024;

/** Only console paths are valid places to return to after signing in (no open redirect). */
function safeNext(value: unknown): string | undefined {
  return typeof value === "string" && /^\/console(\/[A-Za-z0-9/_-]*)?(\?[^\s\\]*)?$/.test(value) && !value.startsWith("//") ? value : undefined;
}

export function consoleRoutes(options: ConsoleOptions) {
  if (options.sessionKey.length < 32) throw new Error("the console session key must be at least 32 characters");
  const key = options.sessionKey;
  const reviews = options.reviews;
  const limiter = new AuthFailureLimiter();
  const app = new Hono<ConsoleEnv>();
  app.use("*", languageAndHeaders);
  app.use("*", refuseForeignPosts);

  app.get("/login", (c) => loginPage(c, { next: safeNext(c.req.query("next")) }));
  app.post("/login", (c) => signIn(c, key, limiter));
  // Everything below needs a live session.
  app.use("*", (c, next) => requireSession(c, next, key));
  app.post("/logout", (c) => {
    clearSessionCookie(c);
    return c.redirect("/console/login", 303);
  });
  app.get("/", (c) => c.redirect("/console/dashboard", 303));
  app.get("/dashboard", dashboardPage);
  app.get("/refusals", refusalsPage);
  app.get("/signatures", signaturesPage);
  app.post("/signatures/:id/approve", (c) => decideSignature(c, "approve"));
  app.post("/signatures/:id/reject", (c) => decideSignature(c, "reject"));
  app.get("/sps", serviceProvidersPage);
  app.get("/sps/:id", serviceProviderPage);
  app.get("/ports", portsPage);
  app.get("/ports/:id", portPage);
  app.get("/reviews", (c) => reviewsPage(c, reviews));
  app.post("/reviews", (c) => startReview(c, reviews));
  app.get("/reviews/:id", (c) => reviewPage(c, reviews));
  app.post("/reviews/:id/findings/:findingId/decision", (c) => decideFinding(c, reviews));
  app.post("/reviews/:id/close", (c) => closeReview(c, reviews));
  app.get("/complaints", (c) => complaintsPage(c, reviews));
  app.get("/audit", auditPage);
  app.get("/rule-modes", ruleModesPage);
  app.get("/preferences", preferencesPage);
  app.post("/preferences", savePreference);
  app.post("/preferences/:id/delete", deletePreference);
  app.get("/honeypots", honeypotsPage);
  app.post("/honeypots", saveHoneypot);
  app.post("/honeypots/:id/delete", deleteHoneypot);
  app.get("/content", (c) => contentPage(c));
  app.post("/content/dry-run", contentDryRun);
  app.post("/content/rules", contentCreateRule);
  app.post("/content/rules/:id/mode", contentRuleMode);
  app.post("/content/link-domains/:id/approve", (c) => contentDecide(c, "link-domains", "approve"));
  app.post("/content/link-domains/:id/revoke", (c) => contentDecide(c, "link-domains", "revoke"));
  app.post("/content/templates/:id/approve", (c) => contentDecide(c, "templates", "approve"));
  app.post("/content/templates/:id/revoke", (c) => contentDecide(c, "templates", "revoke"));
  app.get("/consents", consentsPage);
  app.all("*", (c) => errorPage(c, 404, c.get("t")("error.notFound")));
  app.onError((error, c) => consoleError(error, c, options.logger));
  return app;
}

/** Language (query, then cookie, then zh), and the headers every console response carries. */
async function languageAndHeaders(c: ConsoleContext, next: Next): Promise<void> {
  const fromQuery = parseLang(c.req.query("lang"));
  if (fromQuery) setCookie(c, LANG_COOKIE, fromQuery, { path: "/console", sameSite: "Strict", httpOnly: true, maxAge: 365 * 86400 });
  const lang = fromQuery ?? parseLang(getCookie(c, LANG_COOKIE)) ?? "zh";
  c.set("lang", lang);
  c.set("t", translator(lang));
  await next();
  c.header("content-security-policy", CONTENT_SECURITY_POLICY);
  c.header("x-content-type-options", "nosniff");
  c.header("x-frame-options", "DENY");
  // same-origin, not no-referrer: under no-referrer browsers send "Origin: null" on our own form
  // posts, which the Origin check must refuse. Other sites still get no URL from the console.
  c.header("referrer-policy", "same-origin");
  c.header("cache-control", "no-store");
}

async function refuseForeignPosts(c: ConsoleContext, next: Next) {
  if (c.req.method !== "POST") return next();
  // Refused before the body is read or the session looked at: a cross-site POST never acts.
  if (!sameOrigin(c)) return errorPage(c, 403, c.get("t")("error.csrf"));
  return bodyLimit({ maxSize: MAX_FORM_BYTES, onError: (c) => errorPage(c as ConsoleContext, 413, errorCodes.PAYLOAD_TOO_LARGE.title) })(c, next);
}

/** POST /login: a token in, a sealed session cookie out; failures are throttled per address. */
async function signIn(c: ConsoleContext, key: string, limiter: AuthFailureLimiter) {
  const form = await c.req.parseBody();
  const next = safeNext(form.next);
  if (!checkLoginNonce(c, form._login)) return loginPage(c, { error: "error.csrf", next, status: 403 });
  const address = clientAddress(c);
  const started = Date.now();
  if (limiter.blocked(address, started)) return loginPage(c, { error: "auth.throttled", next, status: 429 });
  const token = typeof form.token === "string" ? form.token.trim() : "";
  const deps = c.get("deps");
  const actor = /^\S{8,200}$/.test(token) ? await authenticateToken(deps.database.db, token, deps.clock()) : undefined;
  if (!actor) {
    limiter.fail(address, started);
    return loginPage(c, { error: "auth.bad", next, status: 401 });
  }
  setSessionCookie(c, sealSession(key, token, deps.clock()));
  return c.redirect(next ?? "/console/dashboard", 303);
}

/** A live session or a redirect to sign in; POSTs also carry the session's CSRF token. */
async function requireSession(c: ConsoleContext, next: Next, key: string) {
  const found = await sessionActor(c, key);
  if (!found) {
    if (c.req.method === "GET") {
      const here = `${c.req.path}${new URL(c.req.url).search}`;
      return c.redirect(`/console/login${safeNext(here) && c.req.path !== "/console" ? `?next=${encodeURIComponent(here)}` : ""}`, 303);
    }
    return loginPage(c, { error: "auth.expired", status: 401 });
  }
  c.set("actor", found.actor);
  c.set("session", found.session);
  c.set("csrfToken", csrfTokenFor(key, found.session));
  if (c.req.method === "POST") {
    const form = await c.req.parseBody();
    if (!checkCsrf(key, found.session, form[CSRF_FIELD])) return errorPage(c, 403, c.get("t")("error.csrf"));
  }
  await next();
}

function consoleError(error: Error, c: ConsoleContext, logger: ConsoleOptions["logger"]) {
  const t = c.get("t") ?? translator("zh");
  if (error instanceof ServiceError) {
    const status = errorCodes[error.code].status as ContentfulStatusCode;
    const known: Partial<Record<string, MessageKey>> = { FORBIDDEN: "error.forbidden", NOT_FOUND: "error.notFound" };
    const headline = known[error.code];
    return errorPage(c, status, headline ? t(headline) : error.message, headline ? [error.message] : error.errors?.map((e) => `${e.path}: ${e.message}`));
  }
  logger?.error({ err: error, path: c.req.path }, "console error");
  return errorPage(c, 500, errorCodes.INTERNAL.title);
}

/** Mounts the console at /console on an app made by createApp (the composition root, and tests). */
export function mountConsole(app: { route: (path: string, sub: Hono<ConsoleEnv>) => unknown }, options: ConsoleOptions): void {
  app.route("/console", consoleRoutes(options));
}
