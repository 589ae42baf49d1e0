import type { signatureStatuses } from "../db/schema/index.ts";

export type SignatureStatus = (typeof signatureStatuses)[number];
export type SignatureAction = "approve" | "reject" | "suspend" | "revoke";
export const signatureActions: readonly SignatureAction[] = ["approve", "reject", "suspend", "revoke"];

/**
 * The operator's state machine for signatures, as data. Anything not listed is refused (409
 * INVALID_TRANSITION naming from and to).
 *   pending   → approved (approve) | rejected (reject) | revoked
 *   approved  → suspended (suspend) | revoked
 *   suspended → approved (approve: reinstate) | revoked
 *   rejected  → revoked            (an SP edit re-files it as pending: see signatures.service.ts)
 *   revoked   → nothing; the text stays taken so nobody re-files it under another name, until an
 *               operator reclaims it by filing with reclaimReason (signatures.create.ts). That
 *               also works on a rejected filing, which is revoked in the same step.
 */
const transitions: Record<SignatureAction, { from: readonly SignatureStatus[]; to: SignatureStatus }> = {
  approve: { from: ["pending", "suspended"], to: "approved" },
  reject: { from: ["pending"], to: "rejected" },
  suspend: { from: ["approved"], to: "suspended" },
  revoke: { from: ["pending", "approved", "rejected", "suspended"], to: "revoked" },
};

export function targetStatus(action: SignatureAction): SignatureStatus {
  return transitions[action].to;
}

/** The new status, or undefined when `action` is not allowed from `from`. */
export function nextStatus(from: SignatureStatus, action: SignatureAction): SignatureStatus | undefined {
  const rule = transitions[action];
  return rule.from.includes(from) ? rule.to : undefined;
}
