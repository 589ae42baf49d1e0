import type { ReasonCode } from "./reasons.ts";
import type { SignatureExtraction } from "./signature.ts";
import type { Category, PortMatch, RegistryView, SignatureEntry, Submission } from "./types.ts";

/**
 * The message-level rules, one function per rule group. Each returns the first refusal it finds,
 * or undefined. decide() applies the rule modes and the order; these only state the rules.
 * Detail strings name ids and numbers of the registry (never a recipient) and are built only on
 * refusal, so the accept path allocates nothing here.
 */
export interface Refusal {
  reason: ReasonCode;
  detail: string;
}

/** a. The source address is a port of the bound SP, in service, with an assigned extension if any. */
export function checkPort(submission: Submission, match: PortMatch | undefined): Refusal | undefined {
  if (!match) return { reason: "port_unknown", detail: `source ${submission.sourceAddr} matches no registered port` };
  const { port } = match;
  if (port.spId !== submission.spId) {
    return { reason: "port_not_owned", detail: `port ${port.number} (${port.id}) belongs to SP ${port.spId}, not to ${submission.spId}` };
  }
  if (port.status === "suspended") return { reason: "port_suspended", detail: `port ${port.number} (${port.id}) is suspended` };
  if (port.status === "revoked") return { reason: "port_revoked", detail: `port ${port.number} (${port.id}) is revoked` };
  if (match.suffix !== "" && !match.extension) {
    return { reason: "extension_unassigned", detail: `extension digits ${match.suffix} on port ${port.number} are not assigned` };
  }
  return undefined;
}

/** b. Exactly one signature, registered, approved, not expired at `at` (expiry instant included). */
export function checkSignature(
  extracted: SignatureExtraction,
  signature: SignatureEntry | undefined,
  at: number,
): Refusal | undefined {
  if (!extracted.ok) {
    const detail =
      extracted.reason === "signature_multiple"
        ? `more than one signature tag: 【${extracted.raw}】 and 【${extracted.otherRaw}】`
        : extracted.raw === undefined
          ? "no signature at the start or end of the text"
          : `signature bracket holds 【${extracted.raw}】`;
    return { reason: extracted.reason, detail };
  }
  if (!signature) return { reason: "signature_unregistered", detail: `signature 【${extracted.raw}】 (${extracted.text}) is not registered` };
  switch (signature.status) {
    case "approved":
      break;
    case "pending":
    case "rejected":
      return { reason: "signature_not_approved", detail: `signature ${signature.id} is ${signature.status}` };
    case "suspended":
      return { reason: "signature_suspended", detail: `signature ${signature.id} is suspended` };
    case "revoked":
      return { reason: "signature_revoked", detail: `signature ${signature.id} is revoked` };
  }
  if (signature.expiresAt !== null && signature.expiresAt <= at) {
    return { reason: "signature_expired", detail: `signature ${signature.id} expired at ${new Date(signature.expiresAt).toISOString()}` };
  }
  return undefined;
}

/**
 * c. 违规转租: the SP carries this enterprise under a contract active at `at`, and the signature is
 * bound to the port (and extension) it is sent from. A binding with extension '' allows the bare
 * port and every extension assigned to the signature's own enterprise; a binding with digits
 * allows exactly that extension. An explicit binding wins over the extension's owner (the operator
 * bound it deliberately); otherwise an extension of another enterprise is the sublet tell-tale
 * and gets its own reason.
 */
export function checkSublet(
  submission: Submission,
  registry: RegistryView,
  signature: SignatureEntry,
  match: PortMatch | undefined,
): Refusal | undefined {
  const enterpriseId = signature.enterpriseId;
  if (!registry.hasContract(submission.spId, enterpriseId, submission.at)) {
    return { reason: "sublet_no_contract", detail: `SP ${submission.spId} has no active contract with enterprise ${enterpriseId}` };
  }
  if (!match) return { reason: "sublet_port_not_bound", detail: `signature ${signature.id} is not bound to unknown source ${submission.sourceAddr}` };
  const extension = match.extension;
  const ownExtension = extension !== undefined && extension.enterpriseId === enterpriseId;
  for (const binding of signature.bindings) {
    if (binding.portId !== match.port.id) continue;
    if (binding.extension === "" ? match.suffix === "" || ownExtension : binding.extension === extension?.extension) return undefined;
  }
  if (extension && !ownExtension) {
    return {
      reason: "sublet_extension_mismatch",
      detail: `extension ${extension.extension} on port ${match.port.number} is assigned to enterprise ${extension.enterpriseId}, signature ${signature.id} to ${enterpriseId}`,
    };
  }
  const where = match.suffix === "" ? `port ${match.port.number}` : `port ${match.port.number} extension ${match.suffix}`;
  return { reason: "sublet_port_not_bound", detail: `signature ${signature.id} is not bound to ${where}` };
}

const RANK: Readonly<Record<Category, number>> = { verification: 0, notification: 1, marketing: 2 };

/** d. The category a message is judged as: the declared one, escalated (never lowered) to what it reads as. */
export function effectiveCategory(declared: Category, classified: Category): Category {
  return RANK[classified] > RANK[declared] ? classified : declared;
}

export function checkScope(signature: SignatureEntry, category: Category, declared: Category): Refusal | undefined {
  if (signature.scope.has(category)) return undefined;
  const escalated = category === declared ? "" : ` (declared ${declared}, reads as ${category})`;
  return { reason: "scope_exceeded", detail: `signature ${signature.id} is not approved for ${category}${escalated}` };
}
