/**
 * A review holding findings about two SPs, some of whose evidence reaches past its SP: the world
 * the SP-view tests of the reviews API read.
 */
import { bindAccounts } from "../../../../src/db/schema/index.ts";
import { newId } from "../../../../src/lib/ids.ts";
import type { TestApi } from "../../../helpers/api.ts";
import { addRejections, addSignature, buildReviewWorld } from "../../../helpers/reviews-fixtures.ts";

export const SP_B_SECRET_TEXT = "【星河银行】联讯通信的客户通知";

export async function buildSpReviewWorld(api: TestApi) {
  const world = await buildReviewWorld(api);
  const { spA, spB, portA, portB, enterpriseB, signatureA, signatureB } = world;
  const now = Date.now();
  const hourAgo = new Date(now - 3600_000);
  // SP A: out-of-scope and hint-less marketing under its own 【云端优选】.
  await addRejections(api, 3, { reason: "scope_exceeded", at: hourAgo, spId: spA.id, portId: portA.id, signatureId: signatureA.id, recipient: "13800000042" });
  await addRejections(api, 2, { reason: "opt_out_hint_missing", at: hourAgo, spId: spA.id, portId: portA.id, signatureId: signatureA.id });
  // Sublet refusals on SP A's port: its own, and one by SP B (possible while the port rule is in monitor mode).
  await addRejections(api, 4, { reason: "sublet_no_contract", at: hourAgo, spId: spA.id, portId: portA.id, signatureId: signatureB.id, enterpriseId: enterpriseB.id, sourceAddr: portA.number });
  await addRejections(api, 1, { reason: "sublet_no_contract", at: new Date(now - 60_000), spId: spB.id, portId: portA.id, signatureId: signatureB.id, enterpriseId: enterpriseB.id, sourceAddr: portA.number, text: SP_B_SECRET_TEXT });
  // SP B: a look-alike of SP A's 【云端优选】, and an account used from outside its allowlist.
  const lookAlike = await addSignature(api, { text: "雲端優選", enterpriseId: enterpriseB.id, spId: spB.id, portIds: [portB.id], approvedAt: new Date(now - 86_400_000) });
  const [accountB] = await api.database.db.insert(bindAccounts).values({ id: newId(), spId: spB.id, systemId: "lx_review", passwordHash: "x", allowedIps: ["10.0.0.0/8"] }).returning();
  await addRejections(api, 2, { reason: "bind_address_not_allowed", command: "bind_transceiver", at: hourAgo, spId: spB.id, accountId: accountB!.id, remoteAddress: "203.0.113.9", text: null });

  const operator = api.as(api.operatorToken);
  const period = { from: new Date(now - 10 * 86_400_000).toISOString(), to: new Date(now + 60_000).toISOString() };
  const review = await operator.post("/api/v1/reviews", { title: "联讯通信 专项回头看", ...period });
  // A review scoped to SP A: nothing in it is SP B's.
  const reviewOfA = await operator.post("/api/v1/reviews", { scope: { spId: spA.id }, ...period });
  const findings = (await operator.get(`/api/v1/reviews/${review.id}/findings?limit=500`)).items as Finding[];
  return { ...world, lookAlike, accountB: accountB!, review, reviewOfA, findings };
}

export type Finding = { id: string; type: string; spId: string | null; subjectId: string; evidence: any; decidedBy: string | null; [key: string]: unknown };
export type SpReviewWorld = Awaited<ReturnType<typeof buildSpReviewWorld>>;
