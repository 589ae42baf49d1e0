import type { MessageRule } from "./rule.ts";

/** a. The source address is a port of the bound SP, in service, with an assigned extension if any. */
export const portRule: MessageRule = {
  group: "port",
  judges: "message",
  categories: "all",
  check(facts) {
    const match = facts.match;
    const submission = facts.submission;
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
  },
};
