import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "../../../src/tokens/tokens.service.ts";
import { ConsoleClient, signedIn, startConsoleWorld, type ConsoleWorld } from "./helpers.ts";

let w: ConsoleWorld;
let pendingId: string;
beforeAll(async () => {
  w = await startConsoleWorld();
  const filed = await w.api.as(w.tokens.spA).post("/api/v1/signatures", {
    text: "云端速递",
    enterpriseId: w.world.cloud.id,
    scope: ["notification"],
    ports: [{ portId: w.world.portA.id }],
    evidence: { kind: "trademark", reference: "TM-2026-0002" },
  });
  pendingId = filed.id;
});
afterAll(async () => {
  await w.close();
});

async function status(id: string) {
  return (await w.api.as(w.tokens.operator).get(`/api/v1/signatures/${id}`)).status;
}

describe("console sign-in and sessions", () => {
  it("sends a visitor without a session to the sign-in page, remembering only the path", async () => {
    const response = await new ConsoleClient(w.api.url).get("/console/refusals?reason=scope_exceeded");
    expect(response.status).toBe(303);
    expect(response.location).toBe(`/console/login?next=${encodeURIComponent("/console/refusals?reason=scope_exceeded")}`);
  });

  it("refuses a bad token with 401 and sets no session", async () => {
    const client = new ConsoleClient(w.api.url);
    const response = await client.signIn("gk_not-a-real-token-at-all");
    expect(response.status).toBe(401);
    expect(response.text).toContain("令牌无效或已被吊销");
    expect(client.cookies.has("gk_console_session")).toBe(false);
    expect((await client.get("/console/dashboard")).status).toBe(303);
  });

  it("refuses a sign-in post without the form's nonce (login CSRF)", async () => {
    const client = new ConsoleClient(w.api.url);
    const response = await client.request("POST", "/console/login", { token: w.tokens.operator });
    expect(response.status).toBe(403);
    expect(client.cookies.has("gk_console_session")).toBe(false);
  });

  it("keeps the token out of URLs, pages and the cookie; the cookie is HttpOnly, SameSite=Strict", async () => {
    const client = new ConsoleClient(w.api.url);
    const form = await client.get("/console/login");
    expect(form.text).toMatch(/<form class="login" method="post" action="\/console\/login"/);
    const nonce = /name="_login" value="([^"]+)"/.exec(form.text)![1]!;
    const response = await fetch(`${w.api.url}/console/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: `gk_console_login=${nonce}`, origin: w.api.url },
      body: new URLSearchParams({ _login: nonce, token: w.tokens.operator }).toString(),
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/console/dashboard");
    const setCookie = response.headers.getSetCookie().find((line) => line.startsWith("gk_console_session="))!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Path=\/console/);
    expect(setCookie).not.toContain(w.tokens.operator);
    expect(setCookie).not.toContain(encodeURIComponent(w.tokens.operator));

    const signed = await signedIn(w.api.url, w.tokens.operator);
    for (const path of ["/console/dashboard", "/console/refusals", "/console/signatures", "/console/sps", `/console/sps/${w.world.spA.id}`, "/console/ports", "/console/reviews", "/console/reviews/rv-1", "/console/complaints", "/console/audit", "/console/audit?verify=1"]) {
      const page = await signed.get(path);
      expect(page.text, path).not.toContain(w.tokens.operator);
      expect(page.text, path).not.toContain(hashToken(w.tokens.operator));
      for (const href of page.text.matchAll(/(?:href|action)="([^"]*)"/g)) expect(href[1]).not.toMatch(/token/i);
    }
  });

  it("ends the session when the cookie is tampered with or the token is revoked", async () => {
    const secret = await w.api.tokenFor("auditor");
    const client = await signedIn(w.api.url, secret);
    expect((await client.get("/console/dashboard")).status).toBe(200);
    const original = client.cookies.get("gk_console_session")!;
    client.cookies.set("gk_console_session", original.replace(/.$/, (ch) => (ch === "A" ? "B" : "A")));
    expect((await client.get("/console/dashboard")).status).toBe(303);
    client.cookies.set("gk_console_session", original);
    const [token] = (await w.api.as(w.tokens.operator).get("/api/v1/tokens?limit=500")).items.filter((t: { prefix: string }) => t.prefix === secret.slice(0, 8));
    await w.api.as(w.tokens.operator).post(`/api/v1/tokens/${token.id}/revoke`, { reason: "test" });
    expect((await client.get("/console/dashboard")).status).toBe(303);
  });

  it("signs out (CSRF-checked) and clears the cookie", async () => {
    const client = await signedIn(w.api.url, w.tokens.operator);
    const out = await client.post("/console/logout");
    expect(out.status).toBe(303);
    expect(out.location).toBe("/console/login");
    expect(client.cookies.has("gk_console_session")).toBe(false);
  });

  it("returns only to console paths after sign-in (no open redirect)", async () => {
    const client = new ConsoleClient(w.api.url);
    const form = await client.get("/console/login?next=//evil.example/x");
    expect(form.text).not.toContain('name="next"');
    const nonce = /name="_login" value="([^"]+)"/.exec(form.text)![1]!;
    const response = await client.request("POST", "/console/login", { _login: nonce, token: w.tokens.operator, next: "https://evil.example/" });
    expect(response.location).toBe("/console/dashboard");
  });
});

describe("console authorisation", () => {
  it("shows an SP only its own data", async () => {
    const client = await signedIn(w.api.url, w.tokens.spA);
    expect((await client.get(`/console/sps/${w.world.spB.id}`)).status).toBe(404);
    expect((await client.get(`/console/ports/${w.world.portB.id}`)).status).toBe(404);
    expect((await client.get("/console/reviews/rv-2")).status).toBe(404);
    const refusals = await client.get("/console/refusals");
    expect(refusals.text).toContain("10690001");
    expect(refusals.text).not.toContain("10690002");
    expect(refusals.text).not.toContain("139****0002");
    const filtered = JSON.parse((await client.get(`/console/refusals?spId=${w.world.spB.id}&format=json`)).text);
    expect(filtered).toEqual([]);
    const exported = JSON.parse((await client.get("/console/refusals?format=json")).text) as { sp: string }[];
    expect(exported.length).toBeGreaterThan(0);
    expect(new Set(exported.map((row) => row.sp))).toEqual(new Set(["华信通信"]));
    for (const path of ["/console/signatures?status=", "/console/sps", "/console/ports", "/console/complaints", "/console/reviews", "/console/audit", "/console/dashboard"]) {
      const page = await client.get(path);
      expect(page.status, path).toBe(200);
      expect(page.text, path).not.toContain("远景短信");
      expect(page.text, path).not.toContain("星河银行");
    }
    expect((await client.get("/console/audit?verify=1")).status).toBe(403);
  });

  it("gives an auditor no approve buttons and a 403 page when it posts an approval anyway", async () => {
    const client = await signedIn(w.api.url, w.tokens.auditor);
    const queue = await client.get("/console/signatures");
    expect(queue.text).toContain("【云端速递】");
    expect(queue.text).not.toContain(`/console/signatures/${pendingId}/approve`);
    const refused = await client.post(`/console/signatures/${pendingId}/approve`, { reason: "I am an auditor" });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain("您的角色无权执行此操作");
    expect(await status(pendingId)).toBe("pending");
    expect((await client.post("/console/reviews/rv-1/findings/rv-1-f1/decision", { outcome: "no_action", reason: "x" })).status).toBe(403);
  });

  it("gives an SP a 403 page for an approval of its own signature", async () => {
    const client = await signedIn(w.api.url, w.tokens.spA);
    await client.get("/console/signatures");
    expect((await client.post(`/console/signatures/${pendingId}/approve`, { reason: "self-approval" })).status).toBe(403);
    expect(await status(pendingId)).toBe("pending");
  });

  it("requires a reason to approve", async () => {
    const client = await signedIn(w.api.url, w.tokens.operator);
    expect((await client.post(`/console/signatures/${pendingId}/approve`, { reason: "   " })).status).toBe(422);
    expect(await status(pendingId)).toBe("pending");
  });
});

describe("console CSRF defence", () => {
  it("refuses a form without the session's CSRF token, or with another session's", async () => {
    const client = await signedIn(w.api.url, w.tokens.operator);
    expect((await client.post(`/console/signatures/${pendingId}/approve`, { reason: "ok", _csrf: "" })).status).toBe(403);
    expect((await client.post(`/console/signatures/${pendingId}/approve`, { reason: "ok", _csrf: "forged-token-value" })).status).toBe(403);
    const other = await signedIn(w.api.url, w.tokens.operator);
    expect((await client.post(`/console/signatures/${pendingId}/approve`, { reason: "ok", _csrf: other.csrf! })).status).toBe(403);
    expect(await status(pendingId)).toBe("pending");
  });

  it("refuses a cross-site POST by its Origin or Sec-Fetch-Site even with a valid token", async () => {
    const client = await signedIn(w.api.url, w.tokens.operator);
    const evil = await client.post(`/console/signatures/${pendingId}/approve`, { reason: "ok" }, { origin: "https://evil.example" });
    expect(evil.status).toBe(403);
    expect(evil.text).toContain("表单已过期或并非来自本控制台");
    expect((await client.post(`/console/signatures/${pendingId}/approve`, { reason: "ok" }, { origin: "null" })).status).toBe(403);
    expect((await client.post(`/console/signatures/${pendingId}/approve`, { reason: "ok" }, { "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect(await status(pendingId)).toBe("pending");
  });
});

describe("console output encoding", () => {
  it("escapes journal text in pages and defuses formulas in every CSV export", async () => {
    const client = await signedIn(w.api.url, w.tokens.operator);
    const page = await client.get("/console/refusals?reason=signature_missing");
    expect(page.text).not.toContain("<script>alert(1)</script>");
    expect(page.text).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    const complaints = await client.get("/console/complaints?format=csv");
    expect(complaints.text).toContain("'+SUM(A1:A9)");
    expect(complaints.text).not.toMatch(/(^|,)\+SUM/m);
  });

  it("does not turn a javascript: URL from the reviews backend into a link", async () => {
    const client = await signedIn(w.api.url, w.tokens.operator);
    const page = await client.get("/console/reviews/rv-1");
    expect(page.text).toContain("javascript:alert(1)");
    expect(page.text).not.toMatch(/href="javascript:/i);
  });

  it("rejects malformed filters with a 422 page instead of querying", async () => {
    const client = await signedIn(w.api.url, w.tokens.operator);
    expect((await client.get("/console/refusals?spId=not-a-uuid")).status).toBe(422);
    expect((await client.get("/console/refusals?reason=drop_table")).status).toBe(422);
    expect((await client.get("/console/refusals?from=2026-02-01&to=2026-01-01")).status).toBe(422);
    expect((await client.get(`/console/audit?cursor=${Buffer.from("abc").toString("base64url")}`)).status).toBe(400);
    expect((await client.get("/console/sps/not-a-uuid")).status).toBe(404);
  });
});
