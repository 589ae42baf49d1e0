import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rejections, reviewFindings, reviews } from "../../../../src/db/schema/index.ts";
import { ApiClient } from "../../../../demo/api-client.ts";
import { seedDemoWorld, type DemoWorld } from "../../../../demo/seed.ts";
import { newId } from "../../../../src/lib/ids.ts";
import { findingValues } from "../../../../src/reviews/store.ts";
import { startTestApi, type TestApi, type TestResponse } from "../../../helpers/api.ts";

/**
 * Every route in the OpenAPI document, so a new route is covered the day it is added: no token,
 * a wrong token, an auditor changing things, and SP B reaching for SP A's objects. Then bodies
 * (size, type), injection in filters, formula injection in the CSV export.
 */
let api: TestApi;
let world: DemoWorld;
let tokens: { auditor: string; spA: string; spB: string; spATokenId: string };
/** Real ids of SP A's objects, by path parameter context. */
let ids: Record<string, string>;
/** Every id that belongs to SP A: none may appear in an answer to SP B. */
let spAIds: string[];
let operations: { method: string; path: string; queryParams: string[]; contentType?: string }[];

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

beforeAll(async () => {
  // The brute-force limiter is exercised by its own test; here it must not turn 401s into 429s.
  api = await startTestApi({ authFailures: { maxFailures: 1_000_000, windowMs: 60_000 } });
  const operator = new ApiClient(api.url, api.operatorToken);
  world = await seedDemoWorld(operator);
  const mint = (body: unknown) => operator.post<{ token: { id: string }; secret: string }>("/tokens", body);
  const auditor = await mint({ name: "sweep auditor", role: "auditor" });
  const spA = await mint({ name: "sweep sp A", role: "sp", spId: world.spA.id });
  const spB = await mint({ name: "sweep sp B", role: "sp", spId: world.spB.id });
  tokens = { auditor: auditor.secret, spA: spA.secret, spB: spB.secret, spATokenId: spA.token.id };
  const asA = new ApiClient(api.url, spA.secret);
  const contract = (await operator.get<{ items: { id: string }[] }>(`/contracts?spId=${world.spA.id}`)).items[0]!;
  const extension = (await operator.get<{ items: { id: string }[] }>(`/ports/${world.portA.id}/extensions`)).items[0]!;
  const optOut = await asA.post<{ id: string }>("/opt-outs", { msisdn: "13800000099", enterpriseId: world.cloud.id });
  const dnd = await operator.post<{ id: string }>("/dnd", { msisdn: "13800000098", reason: "sweep" }).catch(() => ({ id: "" }));
  const consent = await asA.post<{ id: string }>("/consents", { msisdn: "13800000096", enterpriseId: world.cloud.id, frequency: "每周1条", periodDays: 90, source: "web_form", evidenceRef: "sweep-1" });
  const importResponse = await fetch(`${api.url}/api/v1/imports/contracts`, {
    method: "POST",
    headers: { authorization: `Bearer ${spA.secret}`, "content-type": "text/csv" },
    body: "enterpriseUscc,validFrom,validTo\n",
  });
  const imported = (await importResponse.json()) as { import?: { id: string } };
  // A complaint attributed to SP A (its port and signature), so /complaints/{id} has a real object.
  const complaint = await operator.post<{ id: string }>("/complaints", {
    receivedAt: new Date().toISOString(),
    channel: "12321",
    type: "other",
    sendingNumber: "1069000101",
    recipient: "13800000097",
    text: "【云端科技】您的验证码是 123456。",
  });
  // A review holding one finding about SP A (and nothing about SP B), so /reviews/{id}/findings/{findingId} has real objects.
  const now = new Date();
  const [review] = await api.database.db
    .insert(reviews)
    .values({ id: newId(), kind: "campaign", status: "open", title: "sweep review", periodFrom: new Date(now.getTime() - 86_400_000), periodTo: now, createdBy: "sweep", createdAt: now })
    .returning();
  const [finding] = await api.database.db
    .insert(reviewFindings)
    .values(
      findingValues(review!.id, {
        type: "scope_exceeded",
        severity: "low",
        subjectType: "signature",
        subjectId: world.signatures.cloudTech.id,
        subjectLabel: "【云端科技】",
        spId: world.spA.id,
        evidence: { counts: { total: 1 }, sendingSpId: world.spA.id },
        recommendedAction: "rectify",
      }, now),
    )
    .returning();
  // What a message may say: SP A's filings, and the operator's content rule.
  const linkDomain = await asA.post<{ id: string }>("/link-domains", { enterpriseId: world.cloud.id, domain: "sweep-a.com", icpNumber: "沪ICP备20269999号" });
  const callbackNumber = await asA.post<{ id: string }>("/callback-numbers", { enterpriseId: world.cloud.id, number: "4009990000" });
  const template = await asA.post<{ id: string }>("/templates", { signatureId: world.signatures.cloudTech.id, text: "您的验证码是{code}" });
  const contentRule = await operator.post<{ id: string }>("/content-rules", { name: "sweep", category: "other", phrases: ["sweep"], appliesTo: ["marketing"], reason: "sweep" });
  ids = {
    "link-domains": linkDomain.id,
    "callback-numbers": callbackNumber.id,
    templates: template.id,
    "content-rules": contentRule.id,
    reviews: review!.id,
    findings: finding!.id,
    "service-providers": world.spA.id,
    enterprises: world.cloud.id,
    contracts: contract.id,
    ports: world.portA.id,
    extensions: extension.id,
    accounts: world.accountA.id,
    signatures: world.signatures.cloudTech.id,
    "opt-outs": optOut.id,
    dnd: dnd.id,
    imports: imported.import?.id ?? "",
    tokens: spA.token.id,
    complaints: complaint.id,
    consents: consent.id,
  };
  spAIds = [world.spA.id, world.cloud.id, contract.id, world.portA.id, extension.id, world.accountA.id, ...Object.values(world.signatures).filter((s) => s !== world.signatures.bank).map((s) => s.id), optOut.id, consent.id, ids.imports!, spA.token.id, review!.id, finding!.id].filter(Boolean);

  const document = (await api.request("GET", "/api/openapi.json", { token: null })).body;
  operations = [];
  for (const [path, methods] of Object.entries<Record<string, any>>(document.paths)) {
    for (const [method, operation] of Object.entries<any>(methods)) {
      operations.push({
        method: method.toUpperCase(),
        path,
        queryParams: (operation.parameters ?? []).filter((p: any) => p.in === "query").map((p: any) => p.name),
        contentType: Object.keys(operation.requestBody?.content ?? {})[0],
      });
    }
  }
}, 60_000);

afterAll(async () => {
  await api?.close();
});

/** Fills {id} and {extensionId} with SP A's objects: the resource is the segment before the parameter. */
function concrete(path: string): string {
  return path
    .replace(/\/([a-z-]+)\/\{id\}/g, (_, resource: string) => `/${resource}/${ids[resource]}`)
    .replace("{extensionId}", ids.extensions!)
    .replace("{findingId}", ids.findings!);
}

/** Bodies that pass validation, so an ownership check is what answers (not the validator). */
function validBody(operation: (typeof operations)[number]): unknown {
  const key = `${operation.method} ${operation.path}`;
  if (key === "POST /api/v1/ports/{id}/extensions") return { extension: "77", enterpriseId: world.cloud.id };
  if (key === "POST /api/v1/accounts/{id}/password") return { password: "pw77777", reason: "security sweep" };
  if (key === "PATCH /api/v1/signatures/{id}") return { scope: ["verification"], reason: "security sweep" };
  return { reason: "security sweep" };
}

function send(operation: (typeof operations)[number], token: string | null, overrides: { path?: string } = {}): Promise<TestResponse> {
  const path = overrides.path ?? concrete(operation.path);
  if (!MUTATING.has(operation.method)) return api.request(operation.method, path, { token });
  if (operation.contentType === "text/csv") return api.request(operation.method, path, { token, raw: "name,uscc\n", headers: { "content-type": "text/csv" } });
  return api.request(operation.method, path, { token, body: validBody(operation) });
}

describe("OpenAPI sweep", () => {
  /**
   * Reviews are the auditor's own work (issue: "auditor reads everything, changes nothing but
   * reviews"): on these an auditor must get past authorisation (validation errors are fine), on
   * every other mutating route it gets 403.
   */
  const AUDITOR_MAY = new Set([
    "POST /api/v1/reviews",
    "POST /api/v1/reviews/schedules",
    "POST /api/v1/reviews/{id}/findings/{findingId}/decision",
    "POST /api/v1/reviews/{id}/close",
    // Reads the journal, changes nothing.
    "POST /api/v1/content-rules/dry-run",
  ]);

  it("every operation: no token and a wrong token are 401; an auditor changing anything is 403", async () => {
    const counts = { operations: operations.length, mutating: 0, noToken401: 0, wrongToken401: 0, auditor403: 0 };
    const failures: string[] = [];
    for (const operation of operations) {
      const label = `${operation.method} ${operation.path}`;
      const none = await send(operation, null);
      if (none.status === 401) counts.noToken401++;
      else failures.push(`${label} without a token → ${none.status}`);
      const wrong = await send(operation, "gk_wrong_0123456789abcdefghijklmnopqrstuv");
      if (wrong.status === 401) counts.wrongToken401++;
      else failures.push(`${label} with a wrong token → ${wrong.status}`);
      if (none.headers.get("content-type")?.startsWith("application/problem+json") !== true) failures.push(`${label}: 401 is not problem+json`);
      if (MUTATING.has(operation.method) && AUDITOR_MAY.has(label)) {
        const auditor = await send(operation, tokens.auditor);
        if (auditor.status === 401 || auditor.status === 403 || auditor.status >= 500) failures.push(`${label} as auditor (a reviewer's route) → ${auditor.status}`);
      } else if (MUTATING.has(operation.method)) {
        counts.mutating++;
        const auditor = await send(operation, tokens.auditor);
        if (auditor.status === 403) counts.auditor403++;
        else failures.push(`${label} as auditor → ${auditor.status} ${auditor.text.slice(0, 120)}`);
      }
    }
    console.log(JSON.stringify({ test: "api/security/openapi-sweep auth", ...counts }));
    expect(failures).toEqual([]);
    expect(counts.operations).toBeGreaterThanOrEqual(50);
    expect(counts.noToken401).toBe(counts.operations);
    expect(counts.wrongToken401).toBe(counts.operations);
    expect(counts.auditor403).toBe(counts.mutating);
  }, 60_000);

  it("SP B cannot read or change SP A's objects (404, or 403 for operator-only routes), and its lists carry none of SP A's rows", async () => {
    const before = new Map<string, string>();
    const snapshot = async () => {
      for (const [resource, id] of Object.entries(ids)) {
        if (!id || resource === "extensions" || resource === "dnd" || resource === "tokens" || resource === "findings") continue;
        before.set(resource, (await api.request("GET", `/api/v1/${resource}/${id}`)).text);
      }
    };
    await snapshot();
    const counts = { withId: 0, notFound: 0, forbidden: 0, lists: 0, listsClean: 0 };
    const failures: string[] = [];
    for (const operation of operations) {
      const label = `${operation.method} ${operation.path}`;
      if (operation.path === "/api/openapi.json") continue;
      if (operation.path.includes("{")) {
        counts.withId++;
        const response = await send(operation, tokens.spB);
        if (response.status === 404) counts.notFound++;
        else if (response.status === 403) counts.forbidden++;
        else failures.push(`${label} as SP B on SP A's object → ${response.status} ${response.text.slice(0, 120)}`);
        if (spAIds.some((id) => response.text.includes(id))) failures.push(`${label}: SP A's id in the answer to SP B`);
      } else if (operation.method === "GET") {
        counts.lists++;
        const response = await send(operation, tokens.spB);
        const leaked = spAIds.filter((id) => response.text.includes(id));
        if (response.status >= 500) failures.push(`${label} as SP B → ${response.status}`);
        else if (leaked.length) failures.push(`${label} as SP B shows SP A's rows (${leaked.length} ids)`);
        else counts.listsClean++;
      }
    }
    // Nothing of SP A's changed.
    for (const [resource, text] of before) {
      const now = (await api.request("GET", `/api/v1/${resource}/${ids[resource]}`)).text;
      if (now !== text) failures.push(`SP A's ${resource} changed during the sweep`);
    }
    // Creating on SP A's behalf: refused, or created for SP B.
    const token = await api.request("POST", "/api/v1/tokens", { token: tokens.spB, body: { name: "steal", role: "sp", spId: world.spA.id } });
    if (token.status < 300 && token.body?.token?.spId !== world.spB.id) failures.push("SP B minted a token for SP A");
    const operatorToken = await api.request("POST", "/api/v1/tokens", { token: tokens.spB, body: { name: "escalate", role: "operator" } });
    if (operatorToken.status !== 403) failures.push(`SP B minting an operator token → ${operatorToken.status}`);
    const port = await api.request("POST", "/api/v1/ports", { token: tokens.spB, body: { number: "10690077", spId: world.spA.id } });
    if (port.status < 300 && port.body?.spId !== world.spB.id) failures.push("SP B created a port for SP A");
    console.log(JSON.stringify({ test: "api/security/openapi-sweep cross-sp", ...counts, tokenForA: token.status, operatorTokenBySp: operatorToken.status, portForA: port.status }));
    expect(failures).toEqual([]);
    expect(counts.notFound + counts.forbidden).toBe(counts.withId);
    expect(counts.notFound).toBeGreaterThan(10);
    expect(counts.listsClean).toBe(counts.lists);
  }, 60_000);

  it("bodies: oversized → 413 (declared or streamed), wrong content types → 415", async () => {
    const big = JSON.stringify({ name: "x".repeat(1024 * 1024 + 10), licenceNumber: "B2-20199999" });
    const declared = await api.request("POST", "/api/v1/service-providers", { raw: big, headers: { "content-type": "application/json" } });
    const chunks = [new TextEncoder().encode('{"name":"'), new Uint8Array(1024 * 1024 + 10).fill(120), new TextEncoder().encode('"}')];
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    const streamed = await api.request("POST", "/api/v1/service-providers", { raw: stream as never, headers: { "content-type": "application/json" } });
    const types = ["text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"];
    const wrongType: Record<string, number> = {};
    for (const type of types) wrongType[type] = (await api.request("POST", "/api/v1/service-providers", { raw: '{"name":"x"}', headers: { "content-type": type } })).status;
    const jsonToImport = (await api.request("POST", "/api/v1/imports/enterprises", { body: { rows: [] } })).status;
    console.log(JSON.stringify({ test: "api/security/openapi-sweep bodies", declared: declared.status, streamed: streamed.status, wrongType, jsonToImport }));
    expect(declared.status).toBe(413);
    expect(streamed.status).toBe(413);
    for (const type of ["text/plain", "application/xml", "application/x-www-form-urlencoded"]) expect(wrongType[type]).toBe(415);
    expect(wrongType["multipart/form-data; boundary=x"]).toBeGreaterThanOrEqual(400);
    expect(wrongType["multipart/form-data; boundary=x"]).toBeLessThan(500);
    expect(jsonToImport).toBe(415);
  }, 60_000);

  it("injection in every query filter: 4xx or an empty/own result, never 500, never another SP's rows", async () => {
    const payloads = ["' OR 1=1 --", "%", "_", "%%", "\\", "'; drop table rejections; --", "云端%", "１３８００００００００", "\u202e1069", "😀", "\u0000", "a".repeat(5000)];
    const counts = { requests: 0, ok2xx: 0, client4xx: 0, server5xx: 0, leaks: 0 };
    const failures: string[] = [];
    for (const operation of operations.filter((o) => o.method === "GET" && o.queryParams.length > 0)) {
      for (const param of operation.queryParams) {
        for (const payload of payloads) {
          for (const [who, token] of [["spB", tokens.spB], ["operator", api.operatorToken]] as const) {
            const path = `${concrete(operation.path)}?${param}=${encodeURIComponent(payload)}`;
            const response = await api.request("GET", path, { token });
            counts.requests++;
            if (response.status >= 500) {
              counts.server5xx++;
              failures.push(`${who} GET ${operation.path}?${param}=${JSON.stringify(payload).slice(0, 30)} → ${response.status}`);
            } else if (response.status >= 400) counts.client4xx++;
            else counts.ok2xx++;
            if (who === "spB" && response.status < 300 && !operation.path.includes("{") && spAIds.some((id) => response.text.includes(id))) {
              counts.leaks++;
              failures.push(`SP B GET ${operation.path}?${param}=${JSON.stringify(payload).slice(0, 30)} shows SP A's rows`);
            }
          }
        }
      }
    }
    // NUL inside a JSON body: refused, not a 500 from the database.
    const nulBody = await api.request("POST", "/api/v1/service-providers", { body: { name: "evil\u0000sp", licenceNumber: "B2-20190077" } });
    if (nulBody.status >= 500) failures.push(`NUL in a JSON body → ${nulBody.status}`);
    // A LIKE filter must treat % and _ literally: no signature text is literally "%".
    const percent = await api.request("GET", `/api/v1/signatures?text=${encodeURIComponent("%")}`);
    console.log(JSON.stringify({ test: "api/security/openapi-sweep injection", ...counts, nulBody: nulBody.status, percentMatches: percent.body?.items?.length }));
    expect(failures).toEqual([]);
    expect(counts.server5xx).toBe(0);
    expect(counts.leaks).toBe(0);
    expect(percent.body.items).toHaveLength(0);
  }, 120_000);

  it("the CSV export of the journal neutralises formulas and shows an SP only its own rows", async () => {
    const evil = { sourceAddr: "=HYPERLINK(\"http://evil\",\"x\")", signatureText: "+cmd|' /C calc'!A0", text: "@SUM(1+1)", command: "-2+3" };
    const at = new Date();
    await api.database.db.insert(rejections).values([
      { eventId: "csv-1", at, reason: "signature_unregistered", command: evil.command, spId: world.spA.id, sourceAddr: evil.sourceAddr, signatureText: evil.signatureText, text: evil.text, recipientMask: "138****0001" },
      { eventId: "csv-2", at, reason: "signature_unregistered", command: "submit_sm", spId: world.spB.id, sourceAddr: "10690002", signatureText: "\t=1+1", text: "\r=2+2", recipientMask: "138****0002" },
    ]);
    const operator = await api.request("GET", "/api/v1/rejections?format=csv");
    const asB = await api.request("GET", "/api/v1/rejections?format=csv", { token: tokens.spB });
    const rows = (parse(operator.text, { bom: true, columns: true }) as Record<string, string>[]);
    const rowsB = (parse(asB.text, { bom: true, columns: true }) as Record<string, string>[]);
    const dangerous = rows.flatMap((row) => Object.values(row)).filter((cell) => /^[=+\-@\t\r]/.test(cell));
    const a = rows.find((row) => row.spId === world.spA.id)!;
    console.log(JSON.stringify({ test: "api/security/openapi-sweep csv", status: operator.status, contentType: operator.headers.get("content-type"), rows: rows.length, dangerousCells: dangerous.length, rowsForSpB: rowsB.length, otherSpRowsForSpB: rowsB.filter((r) => r.spId !== world.spB.id).length }));
    expect(operator.status).toBe(200);
    expect(operator.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(dangerous).toEqual([]);
    expect(a.sourceAddr).toBe(`'${evil.sourceAddr}`);
    expect(a.signatureText).toBe(`'${evil.signatureText}`);
    expect(a.text).toBe(`'${evil.text}`);
    expect(a.command).toBe(`'${evil.command}`);
    expect(rowsB.length).toBe(1);
    expect(rowsB.every((row) => row.spId === world.spB.id)).toBe(true);
  }, 30_000);
});

describe("brute force on tokens", () => {
  it("answers 429 after the failure threshold, even to a valid token from that address", async () => {
    const fresh = await startTestApi(); // the default limiter: 20 failures a minute per address
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 25; i++) statuses.push((await fresh.request("GET", "/api/v1/service-providers", { token: `gk_guess_${String(i).padStart(30, "0")}` })).status);
      const valid = await fresh.request("GET", "/api/v1/service-providers");
      const first429 = statuses.indexOf(429);
      console.log(JSON.stringify({ test: "api/security/openapi-sweep brute-force", attempts: statuses.length, unauthorized: statuses.filter((s) => s === 401).length, tooMany: statuses.filter((s) => s === 429).length, first429AtAttempt: first429 + 1, validTokenAfter: valid.status }));
      expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
      expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
      expect(valid.status).toBe(429);
    } finally {
      await fresh.close();
    }
  }, 30_000);
});
