import { listPage } from "../db/list-page.ts";
import { and, eq, gte, lt, lte, sql } from "drizzle-orm";
import type { Executor } from "../db/client.ts";
import { complaints, portExtensions, ports, rejections, signaturePorts, signatures, trafficDaily } from "../db/schema/index.ts";
import { withTransaction } from "../db/transaction.ts";
import { localDate } from "../lib/dates.ts";
import { newId } from "../lib/ids.ts";
import { redactText } from "../lib/pii.ts";
import { isOperator, spScope, type ServiceContext } from "../context.ts";
import { attribute, normaliseSendingNumber, resolvePort, signatureTextOf, type Attribution, type AttributionFacts } from "../reviews/attribution.ts";
import { evaluateThresholds } from "../reviews/thresholds.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { forbidden, notFound } from "../lib/errors.ts";
import { recordOptOut } from "../opt-outs/opt-outs.service.ts";
import { consentInForceAt } from "../consents/consents.service.ts";
import type { CreateComplaintInput, ListComplaintsFilter } from "./complaints.schemas.ts";

type ComplaintRow = typeof complaints.$inferSelect;
/** A complaint as the API shows it: the recipient's mask, never the hash. */
export type Complaint = Omit<ComplaintRow, "recipientHash"> & {
  /** Detail only: the consent behind an unwanted-marketing complaint, or found=false (see consentBehind). */
  consent?: ({ found: true } & NonNullable<Awaited<ReturnType<typeof consentInForceAt>>>) | { found: false };
};

function toView(row: ComplaintRow): Complaint {
  const { recipientHash: _hidden, ...rest } = row;
  return rest;
}

/** How far before a complaint the journal is searched: 12321 transfers arrive days after the message. */
export const ATTRIBUTION_LOOKBACK_MS = 3 * 24 * 3600_000;
/** …and after it (clocks differ; a complaint may be logged minutes before the journal batch lands). */
const ATTRIBUTION_LOOKAHEAD_MS = 3600_000;

/** Reads what attribution weighs: the port and extension, the signature, and matching traffic. */
export async function gatherAttributionFacts(
  db: Executor,
  complaint: { sendingNumber: string; text: string; receivedAt: Date; recipientHash: string },
): Promise<AttributionFacts> {
  const digits = normaliseSendingNumber(complaint.sendingNumber);
  const candidates = await db
    .select({ id: ports.id, number: ports.number, spId: ports.spId })
    .from(ports)
    .where(sql`${digits} like ${ports.number} || '%'`);
  const resolved = resolvePort(digits, candidates);
  let assignedExtension: AttributionFacts["assignedExtension"];
  if (resolved && resolved.extension) {
    const extensions = await db
      .select({ extension: portExtensions.extension, number: portExtensions.extension, enterpriseId: portExtensions.enterpriseId })
      .from(portExtensions)
      .where(eq(portExtensions.portId, resolved.port.id));
    const match = resolvePort(resolved.extension, extensions);
    if (match) assignedExtension = { extension: match.port.extension, enterpriseId: match.port.enterpriseId };
  }
  const signatureText = signatureTextOf(complaint.text);
  let signature: AttributionFacts["signature"];
  if (signatureText) {
    const [row] = await db
      .select({ id: signatures.id, text: signatures.text, enterpriseId: signatures.enterpriseId, spId: signatures.spId })
      .from(signatures)
      .where(eq(signatures.text, signatureText));
    if (row) {
      const bound = await db.select({ portId: signaturePorts.portId }).from(signaturePorts).where(eq(signaturePorts.signatureId, row.id));
      signature = { ...row, portIds: bound.map((b) => b.portId) };
    }
  }
  const port = resolved?.port;
  let matchedRejections = 0;
  let matchedAccepted = 0;
  if (port || signature) {
    const from = new Date(complaint.receivedAt.getTime() - ATTRIBUTION_LOOKBACK_MS);
    const to = new Date(complaint.receivedAt.getTime() + ATTRIBUTION_LOOKAHEAD_MS);
    const [journal] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(rejections)
      .where(
        and(
          eq(rejections.recipientHash, complaint.recipientHash),
          port ? eq(rejections.portId, port.id) : eq(rejections.signatureId, signature!.id),
          gte(rejections.at, from),
          lt(rejections.at, to),
        ),
      );
    matchedRejections = Number(journal?.n ?? 0);
    const [traffic] = await db
      .select({ n: sql<number>`coalesce(sum(${trafficDaily.accepted}), 0)::int` })
      .from(trafficDaily)
      .where(
        and(
          port ? eq(trafficDaily.portId, port.id) : undefined,
          signature ? eq(trafficDaily.signatureId, signature.id) : undefined,
          gte(trafficDaily.day, localDate(from)),
          lte(trafficDaily.day, localDate(complaint.receivedAt)),
        ),
      );
    matchedAccepted = Number(traffic?.n ?? 0);
  }
  return { port, extension: resolved?.extension, assignedExtension, signatureText, signature, matchedRejections, matchedAccepted };
}

/**
 * Records one complaint with its attribution, in one transaction with its audit row. A complaint
 * about unwanted marketing opts the recipient out of the attributed enterprise (source
 * 'complaint'), under all its signatures. Does not evaluate thresholds (see createComplaint).
 */
export async function recordComplaint(ctx: ServiceContext, input: CreateComplaintInput): Promise<Complaint> {
  if (!isOperator(ctx.actor)) throw forbidden("only an operator takes in complaints");
  const receivedAt = new Date(input.receivedAt);
  const recipientHash = ctx.pii.hash(input.recipient);
  const recipientMask = ctx.pii.mask(input.recipient);
  return withTransaction(ctx, async (tx) => {
    const facts = await gatherAttributionFacts(tx.db, { sendingNumber: input.sendingNumber, text: input.text, receivedAt, recipientHash });
    const attribution: Attribution = attribute(facts);
    let optOutId: string | null = null;
    if (input.type === "unwanted_marketing" && attribution.enterpriseId) {
      const { optOut } = await recordOptOut(tx, {
        recipientHash,
        recipientMask,
        enterpriseId: attribution.enterpriseId,
        source: "complaint",
        signatureId: attribution.signatureId && facts.signature?.enterpriseId === attribution.enterpriseId ? attribution.signatureId : null,
      });
      optOutId = optOut.id;
      attribution.reasons.push("opted_out");
    }
    const [row] = (await tx.db
      .insert(complaints)
      .values({
        id: newId(),
        receivedAt,
        channel: input.channel,
        type: input.type,
        sendingNumber: normaliseSendingNumber(input.sendingNumber),
        recipientHash,
        recipientMask,
        // PIPL minimisation: the complaint keeps what the journal keeps, digit runs masked.
        text: redactText(input.text),
        ...attribution,
        matchedRejections: facts.matchedRejections,
        matchedAccepted: facts.matchedAccepted,
        optOutId,
        createdBy: tx.actor.id,
        createdAt: tx.now,
      })
      .returning()) as [ComplaintRow];
    const view = toView(row);
    await recordAudit(tx, { action: "complaint.create", objectType: "complaint", objectId: row.id, objectSpId: row.spId, after: view });
    return view;
  });
}

/** Intake of one complaint: record and attribute it, then evaluate the complaint-rate thresholds. */
export async function createComplaint(ctx: ServiceContext, input: CreateComplaintInput): Promise<Complaint> {
  const complaint = await recordComplaint(ctx, input);
  await evaluateThresholds(ctx);
  return complaint;
}

export async function getComplaint(ctx: ServiceContext, id: string): Promise<Complaint> {
  const scope = spScope(ctx.actor);
  const [row] = await ctx.db
    .select()
    .from(complaints)
    .where(and(eq(complaints.id, id), scope ? eq(complaints.spId, scope) : undefined));
  if (!row) throw notFound("complaint");
  return { ...toView(row), consent: await consentBehind(ctx, row) };
}

/**
 * For a complaint about marketing attributed to an enterprise: the consent that allowed the message
 * (in force when the complaint was received), or `{ found: false }` when none existed. Other
 * complaints (fraud, unattributed) carry no consent section.
 */
async function consentBehind(ctx: ServiceContext, row: ComplaintRow): Promise<Complaint["consent"]> {
  if (row.type !== "unwanted_marketing" || !row.enterpriseId) return undefined;
  const consent = await consentInForceAt(ctx.db, row.recipientHash, row.enterpriseId, row.receivedAt);
  return consent ? { found: true, ...consent } : { found: false };
}

/** In intake order (ids are time-ordered); an SP sees complaints attributed to itself. Fetches limit + 1. */
export async function listComplaints(ctx: ServiceContext, filter: ListComplaintsFilter, page: { limit: number; after?: string }): Promise<Complaint[]> {
  const rows = await listPage(ctx.db.select().from(complaints).$dynamic(), ctx, {
    key: complaints.id,
    sp: complaints.spId,
    filters: [
        filter.attribution ? eq(complaints.confidence, filter.attribution) : undefined,
        filter.type ? eq(complaints.type, filter.type) : undefined,
        filter.channel ? eq(complaints.channel, filter.channel) : undefined,
        filter.spId ? eq(complaints.spId, filter.spId) : undefined,
        filter.portId ? eq(complaints.portId, filter.portId) : undefined,
        filter.signatureId ? eq(complaints.signatureId, filter.signatureId) : undefined,
        filter.enterpriseId ? eq(complaints.enterpriseId, filter.enterpriseId) : undefined,
        filter.from ? gte(complaints.receivedAt, new Date(filter.from)) : undefined,
        filter.to ? lt(complaints.receivedAt, new Date(filter.to)) : undefined,
    ],
    page,
  });
  return rows.map(toView);
}

