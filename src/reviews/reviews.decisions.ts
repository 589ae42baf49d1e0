import { and, eq } from "drizzle-orm";
import { reviewFindings, reviews } from "../db/schema/index.ts";
import { withTransaction } from "../db/transaction.ts";
import { localDate } from "../lib/dates.ts";
import { isOperator, type ServiceContext } from "../context.ts";
import type { FindingRow } from "./store.ts";
import { updateAccount } from "../accounts/accounts.service.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { ServiceError, forbidden, invalid, notFound } from "../lib/errors.ts";
import { deleteExtension } from "../ports/extensions.service.ts";
import { updatePort } from "../ports/ports.service.ts";
import { updateServiceProvider } from "../service-providers/service-providers.service.ts";
import { revokeSignature, suspendSignature } from "../signatures/signatures.service.ts";
import type { DecisionInput } from "./reviews.schemas.ts";
import { assertReviewer } from "./reviews.service.ts";

/**
 * Carries out suspend / revoke through the same audited services a human uses, inside the
 * decision's transaction: the subject's change, its audit row and its registry notification commit
 * together with the decision (proxies apply it within a second through the change feed).
 */
async function enforce(tx: ServiceContext, finding: FindingRow, decision: "suspend" | "revoke", reason: string): Promise<unknown> {
  const id = finding.subjectId;
  switch (finding.subjectType) {
    case "signature":
      return decision === "suspend" ? suspendSignature(tx, id, reason) : revokeSignature(tx, id, reason);
    case "port":
      return updatePort(tx, id, { status: decision === "suspend" ? "suspended" : "revoked", reason });
    case "account":
      if (decision === "revoke") throw invalid("decision", "a bind account can be suspended (disabled), not revoked");
      return updateAccount(tx, id, { status: "disabled", reason });
    case "sp":
      if (decision === "revoke") throw invalid("decision", "a service provider can be suspended, not revoked");
      return updateServiceProvider(tx, id, { status: "suspended", reason });
    case "extension": {
      if (decision === "suspend") throw invalid("decision", "an extension cannot be suspended; revoke releases it");
      const portId = (finding.evidence as { portId?: string }).portId;
      if (!portId) throw invalid("decision", "the finding does not name the extension's port");
      await deleteExtension(tx, portId, id, reason);
      return { released: id };
    }
  }
}

/**
 * Records a decision on a finding: no_action, rectify (with a due date, China calendar), suspend or
 * revoke. Auditors may decide no_action and rectify; suspend and revoke change the registry and are
 * the operator's. A decided finding cannot be decided again until its deadline reopens it.
 */
export async function decideFinding(ctx: ServiceContext, reviewId: string, findingId: string, input: DecisionInput): Promise<FindingRow> {
  assertReviewer(ctx.actor);
  if ((input.decision === "suspend" || input.decision === "revoke") && !isOperator(ctx.actor)) {
    throw forbidden(`only an operator may ${input.decision}; an auditor may decide no_action or rectify`);
  }
  if (input.decision === "rectify") {
    if (!input.dueDate) throw invalid("dueDate", "is required for rectify");
    if (input.dueDate < localDate(ctx.now)) throw invalid("dueDate", "must not be in the past");
  }
  return withTransaction(ctx, async (tx) => {
    const [review] = await tx.db.select().from(reviews).where(eq(reviews.id, reviewId));
    if (!review) throw notFound("review");
    const [before] = await tx.db
      .select()
      .from(reviewFindings)
      .where(and(eq(reviewFindings.id, findingId), eq(reviewFindings.reviewId, reviewId)))
      .for("update");
    if (!before) throw notFound("finding");
    if (review.status === "closed") throw new ServiceError("INVALID_TRANSITION", "the review is closed; its findings can no longer be decided");
    if (before.status === "decided") throw new ServiceError("INVALID_TRANSITION", `the finding is already decided (${before.decision}); it reopens if a rectification deadline passes`);
    let applied: unknown = null;
    if (input.decision === "suspend" || input.decision === "revoke") applied = await enforce(tx, before, input.decision, `回头看 ${review.title}: ${input.reason}`);
    const [after] = await tx.db
      .update(reviewFindings)
      .set({
        status: "decided",
        decision: input.decision,
        decisionReason: input.reason,
        dueDate: input.decision === "rectify" ? input.dueDate! : null,
        decidedAt: tx.now,
        decidedBy: tx.actor.id,
        updatedAt: tx.now,
      })
      .where(eq(reviewFindings.id, findingId))
      .returning();
    await recordAudit(tx, {
      action: "review_finding.decide",
      objectType: "review_finding",
      objectId: findingId,
      objectSpId: before.spId,
      before,
      after: { ...after, applied: applied ? { subjectType: before.subjectType, subjectId: before.subjectId } : null },
      reason: input.reason,
    });
    return after!;
  });
}
