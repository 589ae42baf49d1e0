import { and, inArray, isNotNull } from "drizzle-orm";
import { bindAccounts } from "../../db/schema/index.ts";
import { isAddressAllowed } from "../../lib/cidr.ts";
import type { FindingDetector } from "../types.ts";
import { countInScope, journalEvidenceFor, journalScope } from "./evidence.ts";

/**
 * Bind accounts whose journaled traffic came from an address outside their current allowlist: the
 * account was used, or tried, from somewhere it should not be (or the allowlist was narrowed after).
 * It reads the remote address of every journal row with an account: refused submissions, and refused
 * binds (reason bind_*, journaled by the proxy, smpp/proxy/bind-refusals.ts), among them
 * bind_address_not_allowed, the binds the allowlist itself stopped. Repeated lockout, disabled-account
 * and bind-limit refusals are journaled once per address per minute, so `count` undercounts those.
 */
export const bindAddressOutsideAllowlist: FindingDetector = {
  types: ["bind_address_outside_allowlist"],
  async detect({ db, scope }) {
    const where = journalScope(scope, (d) => and(isNotNull(d.accountId), isNotNull(d.remoteAddress)));
    const pairs = (await countInScope(db, scope, where, ["accountId", "remoteAddress"])).map((p) => ({ accountId: p.accountId, address: p.remoteAddress, n: p.count }));
    if (pairs.length === 0) return [];
    const accounts = await db.select().from(bindAccounts).where(inArray(bindAccounts.id, [...new Set(pairs.map((p) => p.accountId!))]));
    const byId = new Map(accounts.map((a) => [a.id, a]));
    const outside = new Map<string, { address: string; count: number }[]>();
    for (const pair of pairs) {
      const account = byId.get(pair.accountId!);
      if (!account || account.allowedIps.length === 0 || isAddressAllowed(pair.address!, account.allowedIps)) continue;
      const list = outside.get(account.id) ?? [];
      list.push({ address: pair.address!, count: Number(pair.n) });
      outside.set(account.id, list);
    }
    return Promise.all(
      [...outside.entries()].map(async ([accountId, addresses]) => {
        const account = byId.get(accountId)!;
        const evidence = (await journalEvidenceFor(db, scope, (d) => and(where(d), inArray(d.remoteAddress, addresses.map((a) => a.address))), "accountId", [accountId])).get(accountId)!;
        return {
          type: "bind_address_outside_allowlist",
          severity: "high" as const,
          subjectType: "account" as const,
          subjectId: accountId,
          subjectLabel: account.systemId,
          spId: account.spId,
          evidence: { ...evidence, addresses, allowedIps: account.allowedIps },
          recommendedAction: "suspend" as const,
        };
      }),
    );
  },
};
