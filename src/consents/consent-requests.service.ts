import { and, eq, gt } from "drizzle-orm";
import { consentRequests } from "../db/schema/index.ts";
import { notifyRegistryChange, withTransaction } from "../db/transaction.ts";
import { newId } from "../lib/ids.ts";
import { DAY_MS } from "../lib/dates.ts";
import type { ServiceContext } from "../context.ts";
import { readPolicySettings } from "../settings/policy-settings.schemas.ts";
import { DEFAULT_CONSENT_REQUEST_PERIOD_DAYS } from "../policy/consent.ts";
import { recordConsent } from "./consents.service.ts";

/** The period a consent given by SMS reply runs for: the request's stated period is free text, so one year is assumed and documented. */
export const SMS_REPLY_CONSENT_DAYS = 365;

export interface ConsentRequestSent {
  recipientHash: string;
  recipientMask: string;
  enterpriseId: string;
  signatureId?: string | null;
  at: Date;
}

/**
 * A consent request passed the gate (called by the proxy, system actor): one row per recipient ×
 * enterprise holding the last request's time, announced to every proxy (`consent_requests:<id>`),
 * so a second request within the period is refused everywhere once the change arrives (< 1 s).
 */
export async function noteConsentRequest(ctx: ServiceContext, sent: ConsentRequestSent): Promise<void> {
  await withTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .insert(consentRequests)
      .values({ id: newId(), recipientHash: sent.recipientHash, recipientMask: sent.recipientMask, enterpriseId: sent.enterpriseId, signatureId: sent.signatureId ?? null, sentAt: sent.at })
      .onConflictDoUpdate({
        target: [consentRequests.recipientHash, consentRequests.enterpriseId],
        set: { sentAt: sent.at, signatureId: sent.signatureId ?? null, answered: false },
      })
      .returning({ id: consentRequests.id });
    await notifyRegistryChange(tx.db, { table: "consent_requests", id: row!.id });
  });
}

export interface ConsentReply {
  recipientHash: string;
  recipientMask: string;
  enterpriseId: string;
  /** What identifies the MO (port and time of arrival): the consent's evidence. */
  evidenceRef: string;
}

/**
 * A reply 是 / Y / 同意 to a port (MO). It records consent only when this enterprise sent this
 * recipient a consent request within the request period that was not answered yet: a "Y" out of
 * the blue, or a second "Y", records nothing. The consent is a grant like any other (source
 * sms_reply, evidence the MO), on the chain and announced. Returns whether consent was recorded.
 */
export async function recordConsentReply(ctx: ServiceContext, reply: ConsentReply): Promise<boolean> {
  return withTransaction(ctx, async (tx) => {
    const settings = await readPolicySettings(tx.db);
    const periodDays = settings.consentRequestPeriodDays ?? DEFAULT_CONSENT_REQUEST_PERIOD_DAYS;
    const [request] = await tx.db
      .select()
      .from(consentRequests)
      .where(
        and(
          eq(consentRequests.recipientHash, reply.recipientHash),
          eq(consentRequests.enterpriseId, reply.enterpriseId),
          eq(consentRequests.answered, false),
          gt(consentRequests.sentAt, new Date(tx.now.getTime() - periodDays * DAY_MS)),
        ),
      )
      .for("update");
    if (!request) return false;
    await tx.db.update(consentRequests).set({ answered: true }).where(eq(consentRequests.id, request.id));
    await recordConsent(tx, {
      recipientHash: reply.recipientHash,
      recipientMask: reply.recipientMask,
      enterpriseId: reply.enterpriseId,
      categories: ["marketing"],
      frequency: "as stated in the consent request",
      periodDays: SMS_REPLY_CONSENT_DAYS,
      source: "sms_reply",
      evidenceRef: reply.evidenceRef,
    });
    return true;
  });
}
