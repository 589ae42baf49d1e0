import type { Logger } from "pino";
import type { Database } from "../db/client.ts";

/**
 * "Deliveries held here for want of a receiver": a proxy (or PROXY_WORKERS worker) that stored
 * receipts or MO because none of the owner's receivers is bound to it says so on this channel, and
 * a proxy that has such a receiver reads them at once instead of at its next 30-second poll. With
 * several workers on one host the SMSC's receipt for a message submitted through worker A often
 * arrives on worker B's upstream link while the SP's receiver is bound to A: this is how it gets
 * there within milliseconds. Announcements are coalesced per owner (one per 50 ms).
 */
export const HELD_CHANNEL = "deliveries_held";

export interface HeldOwner {
  kind: "receipt" | "mo";
  spId: string;
  accountId: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COALESCE_MS = 50;

export function parseHeldPayload(payload: string): { from: string; owner: HeldOwner } | undefined {
  const parts = payload.split("|");
  if (parts.length !== 4) return undefined;
  const [from, kind, spId, accountId] = parts as [string, string, string, string];
  if ((kind !== "receipt" && kind !== "mo") || !UUID.test(spId) || (accountId !== "" && !UUID.test(accountId))) return undefined;
  return { from, owner: { kind, spId, accountId: accountId === "" ? null : accountId } };
}

export function heldDeliveriesFeed(database: Database, instanceId: string, target: () => { heldElsewhere(owner: HeldOwner): void } | undefined, logger?: Logger) {
  const pending = new Map<string, HeldOwner>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let unlisten: (() => Promise<void>) | undefined;
  const flush = () => {
    timer = undefined;
    for (const owner of pending.values()) {
      database
        .notify(HELD_CHANNEL, `${instanceId}|${owner.kind}|${owner.spId}|${owner.accountId ?? ""}`)
        .catch((error: unknown) => logger?.debug({ err: error }, "could not announce held deliveries; the other proxies' poll finds them"));
    }
    pending.clear();
  };
  return {
    announce(owner: HeldOwner): void {
      pending.set(`${owner.kind}|${owner.spId}|${owner.accountId ?? ""}`, owner);
      timer ??= setTimeout(flush, COALESCE_MS);
    },
    async start(): Promise<void> {
      unlisten = await database.listen(HELD_CHANNEL, (payload) => {
        const parsed = parseHeldPayload(payload);
        if (parsed && parsed.from !== instanceId) target()?.heldElsewhere(parsed.owner);
      });
    },
    async stop(): Promise<void> {
      if (timer) {
        clearTimeout(timer);
        flush();
      }
      await unlisten?.().catch(() => {});
    },
  };
}
