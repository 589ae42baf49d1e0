/**
 * A hostile SP against the registry's privileges and what it may see (issue "No way around the
 * gate", items 7, 8 and 10): real HTTP against the in-process gateway, real SMPP with node-smpp
 * where traffic is the point. Each test names the door it keeps shut.
 */
import { Writable } from "node:stream";
import { sql } from "drizzle-orm";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { commandStatusFor } from "../../../src/policy/reasons.ts";
import type { DemoWorld } from "../../../demo/seed.ts";
import { signedIn } from "../../console/helpers.ts";
import { startTestApi } from "../../helpers/api.ts";
import { connectEsme, type Esme } from "../../helpers/esme.ts";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.ts";
import { seedAndSync, waitFor } from "../../helpers/world.ts";

let gateway: TestGateway;
let world: DemoWorld;
const esmes: Esme[] = [];

beforeEach(async () => {
  gateway = await startTestGateway();
  world = await seedAndSync(gateway);
});
afterEach(async () => {
  for (const esme of esmes.splice(0)) await esme.close().catch(() => {});
  await gateway.close();
});

interface Answer {
  status: number;
  body: any;
  type: string;
}

async function call(token: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`${gateway.httpUrl}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {}
  return { status: response.status, body: parsed, type: response.headers.get("content-type") ?? "" };
}

const operator = () => gateway.api.token;
async function spToken(spId: string): Promise<string> {
  return (await gateway.api.post<{ secret: string }>("/tokens", { name: `sp ${spId.slice(0, 4)}`, role: "sp", spId })).secret;
}

async function bind(account: { systemId: string; password: string }): Promise<Esme> {
  const esme = await connectEsme(gateway.smppPort, account);
  esmes.push(esme);
  return esme;
}

const verification = (n: number) => ({ source_addr: "10690001", destination_addr: `138000000${20 + n}`, service_type: "VER", short_message: `【云端科技】您的验证码是${1000 + n}` });

async function contractOf(spId: string, enterpriseId: string) {
  const list = await call(operator(), "GET", `/contracts?spId=${spId}&enterpriseId=${enterpriseId}&status=active`);
  expect(list.body.items).toHaveLength(1);
  return list.body.items[0] as { id: string; validFrom: string; validTo: string };
}

describe("contracts are the operator's (item 7)", () => {
  it("an SP cannot bring back a contract the operator terminated: its traffic stays refused over SMPP until an operator approves a request", async () => {
    const tokenA = await spToken(world.spA.id);
    const esme = await bind(world.accountA);
    expect((await esme.submit(verification(1))).status).toBe(0);

    const contract = await contractOf(world.spA.id, world.cloud.id);
    expect((await call(operator(), "PATCH", `/contracts/${contract.id}`, { status: "terminated", reason: "enterprise moved to another SP" })).status).toBe(200);
    await waitFor(() => !gateway.registry.snapshot.contractsById.has(contract.id), 3000, "contract removed from the snapshot");
    const sublet = commandStatusFor("sublet_no_contract");
    expect((await esme.submit(verification(2))).status).toBe(sublet);

    // Every way back an SP might try.
    const attempts = {
      reCreateSameDates: await call(tokenA, "POST", "/contracts", { enterpriseId: world.cloud.id, validFrom: contract.validFrom, validTo: contract.validTo }),
      reCreateOtherRange: await call(tokenA, "POST", "/contracts", { enterpriseId: world.cloud.id, validFrom: "2020-01-01", validTo: "2099-12-31" }),
      reCreateLaterRange: await call(tokenA, "POST", "/contracts", { enterpriseId: world.cloud.id, validFrom: "2031-01-01", validTo: "2031-12-31" }),
      patchValidTo: await call(tokenA, "PATCH", `/contracts/${contract.id}`, { validTo: "2099-12-31" }),
      patchStatus: await call(tokenA, "PATCH", `/contracts/${contract.id}`, { status: "active" }),
      approveOwn: await call(tokenA, "POST", `/contracts/${contract.id}/approve`, { reason: "please" }),
    };
    expect(attempts.reCreateSameDates.status).toBe(201);
    expect(attempts.reCreateSameDates.body.status).toBe("pending");
    expect(attempts.reCreateOtherRange.status).toBe(409); // overlaps its own pending request
    expect(attempts.reCreateLaterRange.status).toBe(201);
    expect(attempts.reCreateLaterRange.body.status).toBe("pending");
    expect(attempts.patchValidTo.status).toBe(403);
    expect(attempts.patchStatus.status).toBe(403);
    expect(attempts.approveOwn.status).toBe(403);
    const request = attempts.reCreateSameDates.body as { id: string };
    expect((await call(tokenA, "PATCH", `/contracts/${request.id}`, { validFrom: "2020-01-01" })).status).toBe(403);
    expect((await call(tokenA, "POST", `/contracts/${request.id}/approve`, { reason: "self-service" })).status).toBe(403);
    // Nor can an operator revive a terminated one, or PATCH a request active.
    expect((await call(operator(), "PATCH", `/contracts/${contract.id}`, { status: "active" })).body.code).toBe("INVALID_TRANSITION");
    expect((await call(operator(), "PATCH", `/contracts/${request.id}`, { status: "active" })).body.code).toBe("INVALID_TRANSITION");

    // Pending requests carry nothing: not in the proxy's snapshot (after a full reload either), and the traffic stays refused.
    expect(gateway.registry.snapshot.hasContract(world.spA.id, world.cloud.id, Date.now())).toBe(false);
    await gateway.registry.reload();
    expect(gateway.registry.snapshot.hasContract(world.spA.id, world.cloud.id, Date.now())).toBe(false);
    expect((await esme.submit(verification(3))).status).toBe(sublet);

    // The operator sees the requests and decides them, with a reason each (audited).
    const pending = await call(operator(), "GET", "/contracts?status=pending");
    expect(pending.body.items.map((c: { id: string }) => c.id).sort()).toEqual([request.id, attempts.reCreateLaterRange.body.id].sort());
    expect((await call(operator(), "POST", `/contracts/${attempts.reCreateLaterRange.body.id}/refuse`, { reason: "no signed contract for 2031" })).body.status).toBe("refused");
    expect((await call(operator(), "POST", `/contracts/${request.id}/approve`, {})).status).toBe(422); // a reason is required
    expect((await call(operator(), "POST", `/contracts/${request.id}/approve`, { reason: "new contract signed" })).body.status).toBe("active");
    await waitFor(() => gateway.registry.snapshot.contractsById.has(request.id), 3000, "approved contract in the snapshot");
    expect((await esme.submit(verification(4))).status).toBe(0);
    const audit = await call(operator(), "GET", `/audit?objectType=contract&objectId=${request.id}`);
    expect(audit.body.items.map((r: { action: string; actorType: string; reason: string | null }) => [r.action, r.actorType, r.reason])).toEqual([
      ["contract.request", "sp", null],
      ["contract.approve", "operator", "new contract signed"],
    ]);
    // A decided request is final.
    expect((await call(operator(), "POST", `/contracts/${request.id}/refuse`, { reason: "changed my mind" })).body.code).toBe("INVALID_TRANSITION");
  });

  it("an SP cannot request a contract for another SP, or for an enterprise it neither filed nor carried, and cannot spam requests", async () => {
    const tokenA = await spToken(world.spA.id);
    const forB = await call(tokenA, "POST", "/contracts", { spId: world.spB.id, enterpriseId: world.bank.id, validFrom: "2030-01-01", validTo: "2030-12-31" });
    expect(forB.status).toBe(403);
    const bankForA = await call(tokenA, "POST", "/contracts", { enterpriseId: world.bank.id, validFrom: "2030-01-01", validTo: "2030-12-31" });
    expect(bankForA.status).toBe(422);
    expect(JSON.stringify(bankForA.body)).not.toContain(world.spB.id);

    // Non-overlapping one-day requests until the cap (20 waiting), then 429; nothing more is stored.
    const statuses: number[] = [];
    for (let day = 1; day <= 22; day++) {
      const date = `2040-01-${String(day).padStart(2, "0")}`;
      statuses.push((await call(tokenA, "POST", "/contracts", { enterpriseId: world.cloud.id, validFrom: date, validTo: date })).status);
    }
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(201));
    expect(statuses.slice(20)).toEqual([429, 429]);
    expect((await call(operator(), "GET", `/contracts?status=pending&spId=${world.spA.id}&limit=100`)).body.items).toHaveLength(20);
  });

  it("the request cap holds when an SP fires its requests all at once", async () => {
    const tokenA = await spToken(world.spA.id);
    const statuses = await Promise.all(
      Array.from({ length: 26 }, (_, i) => {
        const date = `2042-02-${String(i + 1).padStart(2, "0")}`;
        return call(tokenA, "POST", "/contracts", { enterpriseId: world.cloud.id, validFrom: date, validTo: date }).then((answer) => answer.status);
      }),
    );
    expect(statuses.filter((status) => status === 201)).toHaveLength(20);
    expect(statuses.filter((status) => status === 429)).toHaveLength(6);
    expect((await call(operator(), "GET", `/contracts?status=pending&spId=${world.spA.id}&limit=100`)).body.items).toHaveLength(20);
  });

  it("the CSV import is no side door: an SP's imported contracts are pending requests that carry no traffic", async () => {
    const tokenA = await spToken(world.spA.id);
    const contract = await contractOf(world.spA.id, world.cloud.id);
    await call(operator(), "PATCH", `/contracts/${contract.id}`, { status: "terminated", reason: "ended" });
    await waitFor(() => !gateway.registry.snapshot.contractsById.has(contract.id), 3000, "contract removed from the snapshot");
    const response = await fetch(`${gateway.httpUrl}/api/v1/imports/contracts`, {
      method: "POST",
      headers: { authorization: `Bearer ${tokenA}`, "content-type": "text/csv; charset=utf-8" },
      body: `enterpriseId,validFrom,validTo\n${world.cloud.id},2020-01-01,2099-12-31\n`,
    });
    expect(response.status).toBeLessThan(300);
    const imported = await call(operator(), "GET", `/contracts?spId=${world.spA.id}&enterpriseId=${world.cloud.id}&status=pending`);
    expect(imported.body.items).toHaveLength(1);
    expect((await call(operator(), "GET", `/contracts?spId=${world.spA.id}&status=active`)).body.items).toEqual([]);
    expect(gateway.registry.snapshot.hasContract(world.spA.id, world.cloud.id, Date.now())).toBe(false);
    const esme = await bind(world.accountA);
    expect((await esme.submit(verification(5))).status).toBe(commandStatusFor("sublet_no_contract"));
  });

  it("a suspended SP's tokens are read-only (and it cannot mint new ones); reinstated, they write again", async () => {
    const tokenA = await spToken(world.spA.id);
    expect((await call(operator(), "PATCH", `/service-providers/${world.spA.id}`, { status: "suspended", reason: "licence under review" })).status).toBe(200);

    expect((await call(tokenA, "GET", "/contracts")).status).toBe(200);
    expect((await call(tokenA, "GET", "/rejections")).status).toBe(200);
    const writes = {
      contract: await call(tokenA, "POST", "/contracts", { enterpriseId: world.cloud.id, validFrom: "2041-01-01", validTo: "2041-12-31" }),
      token: await call(tokenA, "POST", "/tokens", { name: "spare", role: "sp" }),
      account: await call(tokenA, "PATCH", `/accounts/${world.accountA.id}`, { maxBinds: 40 }),
      signature: await call(tokenA, "POST", "/signatures", {
        text: "云端新品",
        enterpriseId: world.cloud.id,
        scope: ["notification"],
        ports: [{ portId: world.portA.id }],
        evidence: { kind: "business_licence", reference: "91310000MA0001001X" },
      }),
      optOut: await call(tokenA, "POST", "/opt-outs", { msisdn: "13800000031", enterpriseId: world.cloud.id }),
    };
    for (const [what, answer] of Object.entries(writes)) {
      expect({ what, status: answer.status, code: answer.body?.code }).toEqual({ what, status: 403, code: "FORBIDDEN" });
      expect(answer.type).toContain("application/problem+json");
    }
    expect((await call(operator(), "GET", `/contracts?status=pending`)).body.items).toEqual([]);

    expect((await call(operator(), "PATCH", `/service-providers/${world.spA.id}`, { status: "active", reason: "licence confirmed" })).status).toBe(200);
    expect((await call(tokenA, "POST", "/contracts", { enterpriseId: world.cloud.id, validFrom: "2041-01-01", validTo: "2041-12-31" })).status).toBe(201);
  });
});

describe("what an SP sees (item 8)", () => {
  /** SP B's refusals: a port of SP A, a port nobody owns, and SP A's customer's signature on its own port. */
  async function refusalsOfB() {
    const esme = await bind(world.accountB);
    const text = "【星河银行】您的验证码是4321";
    const statuses = [
      (await esme.submit({ source_addr: world.portA.number, destination_addr: "13800000041", service_type: "VER", short_message: text })).status,
      (await esme.submit({ source_addr: "10699999", destination_addr: "13800000042", service_type: "VER", short_message: text })).status,
      (await esme.submit({ source_addr: world.portB.number, destination_addr: "13800000043", service_type: "VER", short_message: "【云端科技】您的验证码是4321" })).status,
    ];
    await gateway.journal.flush();
    return statuses;
  }

  it("an SP's /rejections, CSV and counts do not tell port_not_owned from port_unknown, nor name another SP's port, signature or enterprise", async () => {
    const statuses = await refusalsOfB();
    // The wire: the same status for a port it does not own and a port that does not exist.
    expect(statuses[0]).toBe(statuses[1]);
    expect(statuses[2]).toBe(commandStatusFor("sublet_no_contract"));

    // The operator sees the difference and every id.
    const asOperator = await call(operator(), "GET", `/rejections?spId=${world.spB.id}`);
    expect(asOperator.body.items.map((r: { reason: string }) => r.reason).sort()).toEqual(["port_not_owned", "port_unknown", "sublet_no_contract"]);
    const foreignIds = [world.portA.id, world.signatures.cloudTech.id, world.cloud.id, world.spA.id];
    expect(JSON.stringify(asOperator.body)).toContain(world.portA.id);
    expect(JSON.stringify(asOperator.body)).toContain(world.signatures.cloudTech.id);

    const tokenB = await spToken(world.spB.id);
    const asB = await call(tokenB, "GET", "/rejections");
    expect(asB.status).toBe(200);
    expect(asB.body.items.map((r: { reason: string }) => r.reason).sort()).toEqual(["port_unknown", "port_unknown", "sublet_no_contract"]);
    const sublet = asB.body.items.find((r: { reason: string }) => r.reason === "sublet_no_contract");
    expect(sublet).toMatchObject({ portId: world.portB.id, signatureId: null, enterpriseId: null, signatureText: "云端科技" });
    const csv = await fetch(`${gateway.httpUrl}/api/v1/rejections?format=csv`, { headers: { authorization: `Bearer ${tokenB}` } }).then((r) => r.text());
    for (const id of foreignIds) {
      expect(JSON.stringify(asB.body)).not.toContain(id);
      expect(csv).not.toContain(id);
    }
    expect(csv).not.toContain("port_not_owned");
    expect(JSON.stringify(asB.body)).not.toContain("port_not_owned");

    // Filters cannot probe the difference or the ids either.
    expect((await call(tokenB, "GET", "/rejections?reason=port_not_owned")).body.items).toEqual([]);
    expect((await call(tokenB, "GET", "/rejections?reason=port_unknown")).body.items).toHaveLength(2);
    expect((await call(tokenB, "GET", `/rejections?portId=${world.portA.id}`)).body.items).toEqual([]);
    expect((await call(tokenB, "GET", `/rejections?signatureId=${world.signatures.cloudTech.id}`)).body.items).toEqual([]);
    expect((await call(tokenB, "GET", `/rejections?enterpriseId=${world.cloud.id}`)).body.items).toEqual([]);
    expect((await call(tokenB, "GET", `/rejections?portId=${world.portB.id}`)).body.items).toHaveLength(1);
  });

  it("the console shows an SP the same: no port_not_owned (not even as a filter option), no other SP's ids, in pages and exports", async () => {
    await refusalsOfB();
    const console_ = await signedIn(gateway.httpUrl, await spToken(world.spB.id));
    const foreign = [world.portA.id, world.signatures.cloudTech.id, world.cloud.id, world.spA.id, "port_not_owned", "源端口号不属于当前绑定的短信息服务企业"];
    const pages = {
      refusals: await console_.get("/console/refusals"),
      refusalsEn: await console_.get("/console/refusals?lang=en"),
      json: await console_.get("/console/refusals?format=json"),
      csv: await console_.get("/console/refusals?format=csv"),
      dashboard: await console_.get("/console/dashboard"),
    };
    for (const [name, page] of Object.entries(pages)) {
      expect({ name, status: page.status }).toEqual({ name, status: 200 });
      for (const text of foreign) expect({ name, leaks: page.text.includes(text) ? text : null }).toEqual({ name, leaks: null });
    }
    const rows = JSON.parse(pages.json.text) as { reason: string }[];
    expect(rows).toHaveLength(3);
    expect((await console_.get("/console/refusals?reason=port_not_owned&format=json")).text).toBe("[]");
  });

  it("an SP's /traffic grouped by port, signature or enterprise counts another SP's signature or enterprise under 'other'", async () => {
    await refusalsOfB();
    const tokenB = await spToken(world.spB.id);
    const counted = async () => (await call(operator(), "GET", `/traffic?groupBy=signature&spId=${world.spB.id}`)).body.items as { key: string; refused: number }[];
    // The daily traffic counters are written by the journal; wait until B's sublet attempt is counted.
    await waitFor(async () => (await counted()).some((r) => r.key === world.signatures.cloudTech.id), 5000, "traffic counted");
    const refusedInAll = (await counted()).reduce((n, r) => n + r.refused, 0);
    for (const groupBy of ["port", "signature", "enterprise"]) {
      const answer = await call(tokenB, "GET", `/traffic?groupBy=${groupBy}`);
      expect(answer.status).toBe(200);
      for (const id of [world.portA.id, world.signatures.cloudTech.id, world.cloud.id]) expect(JSON.stringify(answer.body)).not.toContain(id);
      expect(answer.body.items.reduce((n: number, r: { refused: number }) => n + r.refused, 0)).toBe(refusedInAll);
    }
    const bySignature = await call(tokenB, "GET", "/traffic?groupBy=signature");
    expect(bySignature.body.items.map((r: { key: string }) => r.key)).toContain("other");
    expect((await call(tokenB, "GET", `/traffic?groupBy=signature&signatureId=${world.signatures.cloudTech.id}`)).body.items).toEqual([]);
    expect((await call(tokenB, "GET", `/traffic?groupBy=enterprise&enterpriseId=${world.cloud.id}`)).body.items).toEqual([]);
    // The operator still sees the real key.
    expect(JSON.stringify((await call(operator(), "GET", "/traffic?groupBy=enterprise")).body)).toContain(world.cloud.id);
  });

  it("the audit trail never shows an SP recipient hashes", async () => {
    const tokenA = await spToken(world.spA.id);
    const created = await call(tokenA, "POST", "/opt-outs", { msisdn: "13800000051", enterpriseId: world.cloud.id });
    expect(created.status).toBe(201);
    const asOperator = await call(operator(), "GET", "/audit?objectType=opt_out");
    const stored = asOperator.body.items[0].after.recipientHash as string;
    expect(stored).toMatch(/^[0-9a-f]{16,}$/);
    const asA = await call(tokenA, "GET", "/audit?objectType=opt_out");
    expect(asA.body.items).toHaveLength(1);
    expect(asA.body.items[0].after).toMatchObject({ recipientMask: expect.stringContaining("****") });
    expect(JSON.stringify(asA.body)).not.toContain(stored);
    expect(JSON.stringify(asA.body)).not.toMatch(/recipient_?hash/i);
    // Nor through the console's audit page.
    expect(JSON.stringify((await call(tokenA, "GET", "/audit")).body)).not.toContain(stored);
  });
});

describe("out-of-range query values (item 10)", () => {
  const outOfRange = ["0000-01-01", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59-14:00", "275760-09-13", "+275760-09-13T00:00:00Z", "2025-13-01", "2025-02-30", "NaN", "-1", "1e309", "99999999999999999999", "-99999999999999999999"];

  it("answers every date and number query parameter in the OpenAPI document with a 4xx problem, never a 500, for operator and SP alike", async () => {
    const doc = (await fetch(`${gateway.httpUrl}/api/openapi.json`).then((r) => r.json())) as { paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>> };
    const tokenA = await spToken(world.spA.id);
    const fiveHundreds: string[] = [];
    let requests = 0;
    let parameters = 0;
    for (const [path, operations] of Object.entries(doc.paths)) {
      const get = operations.get;
      if (!get || path.includes("{")) continue;
      for (const parameter of get.parameters ?? []) {
        if (parameter.in !== "query") continue;
        parameters++;
        for (const value of outOfRange) {
          for (const token of [operator(), tokenA]) {
            const url = `${path.replace(/^\/api\/v1/, "")}?${parameter.name}=${encodeURIComponent(value)}`;
            const answer = await call(token, "GET", url);
            requests++;
            if (answer.status >= 500) fiveHundreds.push(`${url} → ${answer.status}`);
            else if (answer.status >= 400) expect(answer.type, url).toContain("application/problem+json");
          }
        }
      }
    }
    console.log(JSON.stringify({ test: "privileges: out-of-range query sweep", parameters, requests, fiveHundreds: fiveHundreds.length }));
    expect(parameters).toBeGreaterThan(20);
    expect(fiveHundreds).toEqual([]);
    // Every new list route adds its parameters × 12 values × 2 tokens: time grows with the API.
  }, 120_000);

  it("year 0 and past-9999 dates are a 422 naming the field on the journal, traffic, audit and contracts", async () => {
    for (const url of [
      "/rejections?from=0000-01-01T00:00:00Z",
      "/rejections?to=9999-12-31T23:59:59-14:00",
      "/traffic?from=0000-01-01",
      "/audit?from=0000-01-01T00:00:00Z",
      "/contracts?activeOn=0000-01-01",
    ]) {
      const answer = await call(operator(), "GET", url);
      expect({ url, status: answer.status, code: answer.body.code }).toEqual({ url, status: 422, code: "VALIDATION_FAILED" });
    }
    const body = await call(operator(), "POST", "/contracts", { spId: world.spA.id, enterpriseId: world.bank.id, validFrom: "0000-01-01", validTo: "2030-12-31" });
    expect(body.status).toBe(422);
    expect(body.body.errors[0].path).toBe("validFrom");
  });
});

describe("what a failing request leaves in the log (item 10)", () => {
  it("logs an unexpected error by kind, code and path, never the query's parameters or the query string", async () => {
    let output = "";
    const sink = new Writable({
      write(chunk, _encoding, done) {
        output += chunk.toString();
        done();
      },
    });
    // A route whose query fails in PostgreSQL with the request's value as a parameter (division by zero, 22012).
    const api = await startTestApi({
      logger: pino({ level: "trace" }, sink),
      mount: (app) =>
        app.get("/boom", async (c) => {
          await api.database.db.execute(sql`select ${c.req.query("msisdn") ?? ""}::text || (1 / 0)::text`);
          return c.text("unreachable");
        }),
    });
    try {
      const boom = await fetch(`${api.url}/boom?msisdn=13800000077`);
      expect(boom.status).toBe(500);
      expect(((await boom.json()) as { code: string }).code).toBe("INTERNAL");
      for (const url of ["/api/v1/rejections?from=0000-01-01T00:00:00Z&reason=zz_13800000078", "/api/v1/traffic?from=0000-01-01&spId=13800000079", "/api/v1/complaints?from=9999-12-31T23:59:59-14:00"]) {
        const answer = await api.request("GET", url);
        expect(answer.status, url).toBe(422);
      }
      expect(output).toContain("unhandled API error");
      expect(output).toContain("22012");
      expect(output).toContain('"path":"/boom"');
      for (const value of ["13800000077", "13800000078", "13800000079", "0000-01-01", "9999-12-31", "msisdn="]) expect(output).not.toContain(value);
    } finally {
      await api.close();
    }
  });
});
