/**
 * Every (from, to) pair of signature statuses, and whether it is allowed. The operator's four
 * actions lead to approved / rejected / suspended / revoked; the way back to pending is an edit
 * (PATCH). The happy tests run the allowed rows, the error tests the refused ones.
 */
import { expect } from "vitest";
import type { TestApi } from "../../../helpers/api.ts";

export type Status = "pending" | "approved" | "rejected" | "suspended" | "revoked";
export type Action = "approve" | "reject" | "suspend" | "revoke";
export type Move = Action | "edit";

export const statuses: Status[] = ["pending", "approved", "rejected", "suspended", "revoked"];

/** How each target status is reached: an action, or an edit for pending. */
export const moveTo: Record<Status, Move> = { pending: "edit", approved: "approve", rejected: "reject", suspended: "suspend", revoked: "revoke" };

const allowed = new Set([
  "pending→pending",
  "pending→approved",
  "pending→rejected",
  "pending→revoked",
  "approved→pending",
  "approved→suspended",
  "approved→revoked",
  "rejected→pending",
  "rejected→revoked",
  "suspended→approved",
  "suspended→revoked",
]);

export const transitionTable = statuses.flatMap((from) =>
  statuses.map((to) => ({ from, to, move: moveTo[to], allowed: allowed.has(`${from}→${to}`) })),
);

/** From a fresh pending signature, the operator steps that reach `status`. */
const pathTo: Record<Status, Action[]> = { pending: [], approved: ["approve"], rejected: ["reject"], suspended: ["approve", "suspend"], revoked: ["revoke"] };

export async function driveTo(api: TestApi, signatureId: string, status: Status): Promise<void> {
  for (const action of pathTo[status]) {
    const response = await api.request("POST", `/api/v1/signatures/${signatureId}/${action}`, { body: { reason: `test setup: ${action}` } });
    expect(response.status, response.text).toBe(200);
  }
}

/** Performs a move as the operator: an action with a reason, or an edit that widens the scope. */
export function perform(api: TestApi, signatureId: string, move: Move, token?: string) {
  if (move === "edit") {
    return api.request("PATCH", `/api/v1/signatures/${signatureId}`, { token, body: { scope: ["verification", "notification", "marketing"], reason: "adds marketing" } });
  }
  return api.request("POST", `/api/v1/signatures/${signatureId}/${move}`, { token, body: { reason: `operator decided to ${move}` } });
}
