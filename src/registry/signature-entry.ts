import type { SignatureEntry } from "../policy/types.ts";

/**
 * The one mapper from a stored signature to the snapshot's entry, for every load path (the full
 * loads, paged and bulk, and a single-row change). A suspended enterprise suspends all of its signatures.
 */
export function signatureEntry(
  row: Omit<SignatureEntry, "status"> & { status: SignatureEntry["status"] },
  enterpriseActive: boolean,
): SignatureEntry {
  // Each field by name, not a spread: a million signatures at load, and a spread copies through
  // the runtime's slow path (a fifth of a second per million here).
  return {
    id: row.id,
    text: row.text,
    enterpriseId: row.enterpriseId,
    spId: row.spId,
    status: !enterpriseActive && row.status === "approved" ? "suspended" : row.status,
    scope: row.scope,
    expiresAt: row.expiresAt,
    bindings: row.bindings,
    templateRequired: row.templateRequired,
  };
}
