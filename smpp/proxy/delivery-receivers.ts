/**
 * Which binds may take a lane's deliveries, and which lanes a gateway bind serves.
 *
 * - An account's receipts (owner.accountId set) go to that account's receiver and transceiver
 *   binds. A gateway account's receipts are kept per SP (one lane per gateway and SP) but all go
 *   to the gateway's binds: the message came over the gateway, so its receipt goes back over it.
 * - An SP's MO goes to the SP's own binds when at least one is bound; only when none is, to the
 *   binds of gateway accounts that carry that SP (carriedSpIds empty or naming it). The SP's own
 *   bind is the more specific route, and the SP asked for MO there by binding a receiver.
 */
import type { SmppSession } from "../session/server.ts";
import { canReceive } from "../session/state.ts";
import type { GatewayLink, SessionContext } from "./bind-auth.ts";
import type { DeliveryOwner, Lane } from "./delivery-lane.ts";

/** A gateway link may carry this SP's traffic. */
export function carries(link: GatewayLink, spId: string): boolean {
  return link.carriedSpIds.length === 0 || link.carriedSpIds.includes(spId);
}

export function receiversOf(sessions: Iterable<SmppSession<SessionContext>>, owner: DeliveryOwner): SmppSession<SessionContext>[] {
  const own: SmppSession<SessionContext>[] = [];
  const gateways: SmppSession<SessionContext>[] = [];
  for (const session of sessions) {
    const context = session.context;
    if (!context || !canReceive(session.state)) continue;
    if (owner.accountId !== null) {
      if (context.accountId === owner.accountId) own.push(session);
    } else if (context.kind === "sp") {
      if (context.identity.spId === owner.spId) own.push(session);
    } else if (carries(context.link, owner.spId)) {
      gateways.push(session);
    }
  }
  return own.length > 0 || owner.accountId !== null ? own : gateways;
}

/**
 * Lanes by the gateway account whose binds serve them: when a gateway bind's window frees or it
 * closes, every lane waiting on it is pumped, not only the lanes of the SP whose delivery it was.
 */
export class GatewayLanes {
  private readonly byAccount = new Map<string, Set<Lane>>();
  private readonly ofLane = new Map<Lane, Set<string>>();

  /** Notes the gateway binds among a lane's receivers. */
  note(lane: Lane, receivers: readonly SmppSession<SessionContext>[]): void {
    for (const session of receivers) {
      if (session.context?.kind !== "gateway") continue;
      const accountId = session.context.accountId;
      let lanes = this.byAccount.get(accountId);
      if (!lanes) this.byAccount.set(accountId, (lanes = new Set()));
      lanes.add(lane);
      let accounts = this.ofLane.get(lane);
      if (!accounts) this.ofLane.set(lane, (accounts = new Set()));
      accounts.add(accountId);
    }
  }

  /** The lanes that share gateway binds with this one (itself included). */
  neighbours(lane: Lane): Lane[] {
    const found: Lane[] = [];
    for (const accountId of this.ofLane.get(lane) ?? []) for (const other of this.byAccount.get(accountId) ?? []) found.push(other);
    return found;
  }

  lanesOf(accountId: string): Lane[] {
    return [...(this.byAccount.get(accountId) ?? [])];
  }

  forget(lane: Lane): void {
    for (const accountId of this.ofLane.get(lane) ?? []) {
      const lanes = this.byAccount.get(accountId);
      lanes?.delete(lane);
      if (lanes?.size === 0) this.byAccount.delete(accountId);
    }
    this.ofLane.delete(lane);
  }
}
