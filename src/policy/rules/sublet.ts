import type { MessageRule } from "./rule.ts";

/**
 * c. 违规转租: the SP carries this enterprise under a contract active at `at`, and the signature is
 * bound to the port (and extension) it is sent from. A binding with extension '' allows the bare
 * port and every extension assigned to the signature's own enterprise; a binding with digits
 * allows exactly that extension. An explicit binding wins over the extension's owner (the operator
 * bound it deliberately); otherwise an extension of another enterprise is the sublet tell-tale
 * and gets its own reason. Skips without a registered signature.
 */
export const subletRule: MessageRule = {
  group: "sublet",
  judges: "message",
  categories: "all",
  check(facts) {
    const signature = facts.signature;
    if (!signature) return undefined;
    const { submission, match } = facts;
    const enterpriseId = signature.enterpriseId;
    if (!facts.registry.hasContract(submission.spId, enterpriseId, submission.at)) {
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
  },
};
