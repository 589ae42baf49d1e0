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
