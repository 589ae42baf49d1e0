/**
 * Seeded worlds for complaint and review tests: registry rows inserted directly (fast), journal
 * rows and traffic counters inserted as the journal would write them.
 */
import { rejections, signaturePorts, signatures, trafficDaily } from "../../src/db/schema/index.ts";
import { localDate } from "../../src/lib/dates.ts";
import { newId } from "../../src/lib/ids.ts";
import type { TestApi } from "./api.ts";
import { addExtension, buildRegistryWorld } from "./registry.ts";

let events = 0;

export async function addSignature(
  api: TestApi,
  options: {
    text: string;
    enterpriseId: string;
    spId: string;
    portIds: string[];
    status?: "pending" | "approved" | "suspended" | "revoked";
    scope?: ("verification" | "notification" | "marketing")[];
    evidence?: { kind: "business_licence"; reference: string; expiresOn?: string } | null;
    approvedAt?: Date;
  },
) {
  const evidence = options.evidence === undefined ? { kind: "business_licence" as const, reference: "91310000MA00000001" } : options.evidence;
  const [row] = await api.database.db
    .insert(signatures)
    .values({
      id: newId(),
      text: options.text,
      enterpriseId: options.enterpriseId,
      spId: options.spId,
      status: options.status ?? "approved",
      scope: options.scope ?? ["verification", "notification", "marketing"],
      evidenceKind: evidence?.kind ?? null,
      evidenceReference: evidence?.reference ?? null,
      evidenceExpiresOn: evidence?.expiresOn ?? null,
      approvedAt: options.approvedAt ?? new Date(Date.now() - 400 * 86_400_000),
    })
    .returning();
  await api.database.db.insert(signaturePorts).values(options.portIds.map((portId) => ({ signatureId: row!.id, portId, extension: "" })));
  return row!;
}

export type RejectionRow = typeof rejections.$inferInsert;

/** Journal rows as the proxy writes them; `recipient` is hashed and masked with the API's PII key. */
export async function addRejections(api: TestApi, count: number, row: Partial<RejectionRow> & { reason: string; at: Date; recipient?: string }) {
  const { recipient, ...rest } = row;
  const values = Array.from({ length: count }, (_, i) => ({
    eventId: `test:${++events}`,
    command: "submit_sm",
    monitor: false,
    recipientHash: recipient ? api.deps.pii.hash(recipient) : null,
    recipientMask: recipient ? api.deps.pii.mask(recipient) : null,
    text: "【云端优选】您的验证码是******",
    ...rest,
    at: new Date(row.at.getTime() - i * 60_000),
  }));
  await api.database.db.insert(rejections).values(values);
}

export async function addTraffic(
  api: TestApi,
  row: { day?: string; at?: Date; spId: string; portId: string; signatureId: string; enterpriseId: string; category?: string; accepted?: number; refused?: number },
) {
  await api.database.db.insert(trafficDaily).values({
    day: row.day ?? localDate(row.at ?? new Date()),
    spId: row.spId,
    portId: row.portId,
    signatureId: row.signatureId,
    enterpriseId: row.enterpriseId,
    category: row.category ?? "marketing",
    accepted: row.accepted ?? 0,
    refused: row.refused ?? 0,
  });
}

/**
 * The registry world (SP A carries enterprise A on port A, SP B enterprise B on port B) plus:
 * extension 01 on port A for enterprise A, 【云端优选】 (A, port A) and 【星河银行】 (B, port B), approved.
 */
export async function buildReviewWorld(api: TestApi) {
  const world = await buildRegistryWorld(api);
  const extension = await addExtension(api, { portId: world.portA.id, extension: "01", enterpriseId: world.enterpriseA.id });
  const signatureA = await addSignature(api, { text: "云端优选", enterpriseId: world.enterpriseA.id, spId: world.spA.id, portIds: [world.portA.id] });
  const signatureB = await addSignature(api, { text: "星河银行", enterpriseId: world.enterpriseB.id, spId: world.spB.id, portIds: [world.portB.id] });
  return { ...world, extension, signatureA, signatureB };
}

export type ReviewWorld = Awaited<ReturnType<typeof buildReviewWorld>>;

export function complaintBody(world: ReviewWorld, overrides: Record<string, unknown> = {}) {
  return {
    receivedAt: new Date().toISOString(),
    channel: "12321",
    sendingNumber: `${world.portA.number}01`,
    recipient: "13800000011",
    text: "【云端优选】双11大促，全场5折，优惠码88886666，回T退订",
    type: "unwanted_marketing",
    ...overrides,
  };
}
