import type { SignatureEntry } from "../policy/types.ts";

/**
 * The one mapper from a stored signature to the snapshot's entry, for every load path (the full
 * loads, paged and bulk, and a single-row change). A suspended enterprise suspends all of its signatures.
 */
export function signatureEntry(
  row: Omit<SignatureEntry, "status"> & { status: SignatureEntry["status"] },
  enterpriseActive: boolean,
): SignatureEntry {
  return { ...row, status: !enterpriseActive && row.status === "approved" ? "suspended" : row.status };
}
