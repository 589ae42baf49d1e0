/**
 * Who a message belongs to. On an SP's own bind: that SP. On a trusted gateway bind (an ISMG
 * carrying many SPs' traffic): the owner of the message's source port, found by the same
 * longest-prefix match the port rule uses, so every rule, limit, journal row, review and receipt
 * route is that SP's, never the gateway's. The gateway's account id stays on the identity: it is
 * the link the message came over (its binds take the receipts).
 */
import type { ReasonCode } from "../../src/policy/reasons.ts";
import type { RegistrySnapshot } from "../../src/registry/snapshot.ts";
import type { GatewayLink, SessionContext } from "./bind-auth.ts";
import type { RefusalIdentity, SessionIdentity } from "../../src/gateway/judge-input.ts";

export type { RefusalIdentity };

export type Attribution =
  | { ok: true; identity: SessionIdentity }
  | { ok: false; reason: Extract<ReasonCode, "port_unknown" | "port_not_owned" | "sp_suspended">; identity: RefusalIdentity; detail: string };

/** The link's identity for journaling before a message's SP is known. */
export function linkIdentity(link: GatewayLink): RefusalIdentity {
  return { accountId: link.accountId, systemId: link.systemId, remoteAddress: link.remoteAddress, spId: null };
}

/** The identity a submission from `sourceAddr` is judged, limited and journaled under. */
export function attribute(context: SessionContext, sourceAddr: string, registry: RegistrySnapshot): Attribution {
  if (context.kind === "sp") return { ok: true, identity: context.identity };
  const link = context.link;
  const match = registry.matchPort(sourceAddr);
  if (!match) return { ok: false, reason: "port_unknown", identity: linkIdentity(link), detail: `source ${sourceAddr} matches no registered port` };
  const spId = match.port.spId;
  const identity: SessionIdentity = { accountId: link.accountId, systemId: link.systemId, defaultCategory: link.defaultCategory, remoteAddress: link.remoteAddress, spId };
  if (link.carriedSpIds.length > 0 && !link.carriedSpIds.includes(spId)) {
    // The gateway's doing, not the port owner's: journaled against the link (no SP).
    return { ok: false, reason: "port_not_owned", identity: linkIdentity(link), detail: `port ${match.port.number} belongs to SP ${spId}, which gateway ${link.systemId} does not carry` };
  }
  if (registry.spStatus.get(spId) === "suspended") return { ok: false, reason: "sp_suspended", identity, detail: `SP ${spId} is suspended` };
  return { ok: true, identity };
}
