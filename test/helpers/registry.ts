/**
 * The one registry builder for tests. Two ways in, by what the test is about:
 * - `create…` goes through the admin API (validation, audit rows, the change feed), for tests of
 *   the API and of what a proxy sees after a change;
 * - `add…` writes the rows straight into the test database, for tests that only need them to exist
 *   (or need a state the API would refuse, such as a suspended enterprise filed by an SP).
 * `buildRegistryWorld` is two SPs with one contracted enterprise and one port each, and a token per role.
 */
import { contracts, enterprises, portExtensions, ports } from "../../src/db/schema/index.ts";
import { newId } from "../../src/lib/ids.ts";
import { usccCheckCharacter } from "../../src/lib/uscc.ts";
import type { TestApi } from "./api.ts";

/** A made-up but valid USCC: an enterprise (9 1) in a Beijing district, numbered n. */
export function makeUscc(n: number, head = "91110105"): string {
  const first17 = `${head}${String(n).padStart(17 - head.length, "0")}`;
  return first17 + usccCheckCharacter(first17);
}

let licenceCounter = 0;

/** Registers an SP as the operator and returns it with an SP token. */
export async function createSp(api: TestApi, name = "测试短信服务") {
  licenceCounter++;
  const sp = await api.as(api.operatorToken).post("/api/v1/service-providers", { name, licenceNumber: `B2-${String(20_000_000 + licenceCounter)}` });
  return { sp, token: await api.tokenFor("sp", sp.id) };
}

export async function createEnterprise(api: TestApi, n: number, token = api.operatorToken, extra: Record<string, unknown> = {}) {
  return api.as(token).post("/api/v1/enterprises", { name: `示例企业${n}`, uscc: makeUscc(n), ...extra });
}

export async function createContract(api: TestApi, spId: string, enterpriseId: string, validFrom = "2020-01-01", validTo = "2099-12-31") {
  return api.as(api.operatorToken).post("/api/v1/contracts", { spId, enterpriseId, validFrom, validTo });
}

export async function auditRows(api: TestApi, objectType: string, objectId?: string) {
  const { auditLog } = await import("../../src/db/schema/index.ts");
  const { and, eq } = await import("drizzle-orm");
  return api.database.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.objectType, objectType), objectId ? eq(auditLog.objectId, objectId) : undefined))
    .orderBy(auditLog.seq);
}

let counter = 0;
const next = () => ++counter;
const pad = (n: number, width: number) => String(n).padStart(width, "0");

export async function addServiceProvider(api: TestApi, name = `短信服务商${next()}`): Promise<{ id: string; name: string }> {
  return api.as(api.operatorToken).post("/api/v1/service-providers", { name, licenceNumber: `B2-${pad(20300000 + next(), 8)}` });
}

export async function addEnterprise(api: TestApi, options: { name?: string; filedBySpId?: string; status?: "active" | "suspended" } = {}) {
  const n = next();
  const [row] = await api.database.db
    .insert(enterprises)
    .values({
      id: newId(),
      name: options.name ?? `云端科技有限公司${n}`,
      uscc: `91310000MA${pad(n, 8)}`,
      filedBySpId: options.filedBySpId ?? null,
      status: options.status ?? "active",
    })
    .returning();
  return row!;
}

export async function addContract(
  api: TestApi,
  options: { spId: string; enterpriseId: string; validFrom?: string; validTo?: string; status?: "active" | "terminated" },
) {
  const [row] = await api.database.db
    .insert(contracts)
    .values({
      id: newId(),
      spId: options.spId,
      enterpriseId: options.enterpriseId,
      validFrom: options.validFrom ?? "2020-01-01",
      validTo: options.validTo ?? "2099-12-31",
      status: options.status ?? "active",
    })
    .returning();
  return row!;
}

export async function addPort(api: TestApi, options: { spId: string; number?: string; status?: "active" | "suspended" | "revoked" }) {
  const [row] = await api.database.db
    .insert(ports)
    .values({ id: newId(), number: options.number ?? `1069${pad(next(), 8)}`, spId: options.spId, status: options.status ?? "active" })
    .returning();
  return row!;
}

export async function addExtension(api: TestApi, options: { portId: string; extension: string; enterpriseId: string }) {
  const [row] = await api.database.db.insert(portExtensions).values({ id: newId(), ...options }).returning();
  return row!;
}

/**
 * Two SPs, each with one contracted enterprise and one port, and a token per role:
 * SP A carries enterprise A on port A, SP B carries enterprise B on port B.
 */
export async function buildRegistryWorld(api: TestApi) {
  const spA = await addServiceProvider(api, "华信短信");
  const spB = await addServiceProvider(api, "联讯通信");
  const enterpriseA = await addEnterprise(api, { name: "云端科技有限公司" });
  const enterpriseB = await addEnterprise(api, { name: "星河电商有限公司" });
  await addContract(api, { spId: spA.id, enterpriseId: enterpriseA.id });
  await addContract(api, { spId: spB.id, enterpriseId: enterpriseB.id });
  const portA = await addPort(api, { spId: spA.id });
  const portB = await addPort(api, { spId: spB.id });
  return {
    spA,
    spB,
    enterpriseA,
    enterpriseB,
    portA,
    portB,
    tokens: {
      operator: api.operatorToken,
      auditor: await api.tokenFor("auditor"),
      spA: await api.tokenFor("sp", spA.id),
      spB: await api.tokenFor("sp", spB.id),
    },
  };
}

export type RegistryWorld = Awaited<ReturnType<typeof buildRegistryWorld>>;

/**
 * A complete filing body for SP A's enterprise on SP A's port; override what a test is about. The
 * evidence is a trademark, so any text passes the real-name rule (签名实名制); tests of that rule
 * pass business_licence evidence themselves.
 */
export function signatureBody(world: RegistryWorld, overrides: Record<string, unknown> = {}) {
  return {
    text: "云端科技",
    enterpriseId: world.enterpriseA.id,
    evidence: { kind: "trademark", reference: "第30000001号" },
    scope: ["verification", "notification"],
    ports: [{ portId: world.portA.id }],
    ...overrides,
  };
}

/** Files a signature as SP A (or the given token) and returns it; fails the test on a non-2xx. */
export async function fileSignature(api: TestApi, world: RegistryWorld, overrides: Record<string, unknown> = {}, token = world.tokens.spA) {
  return api.as(token).post("/api/v1/signatures", signatureBody(world, overrides));
}
