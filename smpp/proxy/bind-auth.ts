import { createHash } from "node:crypto";
import { isAddressAllowed } from "../../src/lib/cidr.ts";
import type { RegistrySnapshot } from "../../src/registry/snapshot.ts";
import type { AuthenticateRequest, AuthenticateResult } from "../session/server.ts";
import { CommandStatus } from "../wire/commands.ts";
import { BindGuard } from "./bind-guard.ts";
import type { SessionIdentity } from "./gatekeeper.ts";

export interface SessionContext {
  identity: SessionIdentity;
  accountId: string;
}

export interface BindAuthOptions {
  registry: () => RegistrySnapshot;
  /** Bound sessions an account has on this instance right now. */
  bindsOf: (accountId: string) => number;
  /** Several proxies share each account's bind limit (see README "Several proxies"). */
  instances: number;
  lockout?: { maxFailures: number; windowMs: number; lockoutMs: number };
  now?: () => number;
  onOutcome?: (outcome: "ok" | "unknown_system_id" | "bad_password" | "locked_out" | "ip_refused" | "disabled" | "too_many_binds") => void;
}

/**
 * Bind authentication against the registry snapshot (no database round-trip): the account must
 * exist and be active, its SP active, the peer address inside the account's allowlist, the
 * password must match its argon2 hash, and the account under its bind limit. Repeated failures
 * from one address lock it out. A successful password check is remembered as a SHA-256 of the
 * password next to the hash it was checked against, so rebinds do not pay for argon2 again; a
 * password change (new hash) invalidates it.
 */
export function createBindAuthenticator(options: BindAuthOptions) {
  const guard = new BindGuard(options.lockout ?? { maxFailures: 5, windowMs: 5 * 60_000, lockoutMs: 15 * 60_000 });
  const verified = new Map<string, { passwordHash: string; digest: string }>();
  const now = options.now ?? Date.now;
  const fail = (address: string, status: number, outcome: Parameters<NonNullable<BindAuthOptions["onOutcome"]>>[0]) => {
    guard.recordFailure(address, now());
    options.onOutcome?.(outcome);
    return { ok: false as const, status };
  };

  return async function authenticate(request: AuthenticateRequest): Promise<AuthenticateResult<SessionContext>> {
    const address = request.remoteAddress;
    if (guard.isLocked(address, now())) {
      options.onOutcome?.("locked_out");
      return { ok: false, status: CommandStatus.ESME_RBINDFAIL };
    }
    const snapshot = options.registry();
    const account = snapshot.accountsBySystemId.get(request.systemId);
    if (!account) return fail(address, CommandStatus.ESME_RINVSYSID, "unknown_system_id");
    if (account.allowedIps.length > 0 && !isAddressAllowed(address, account.allowedIps)) return fail(address, CommandStatus.ESME_RBINDFAIL, "ip_refused");
    const digest = createHash("sha256").update(request.password).digest("hex");
    const cached = verified.get(account.id);
    const passwordOk =
      cached && cached.passwordHash === account.passwordHash
        ? cached.digest === digest
        : await Bun.password.verify(request.password, account.passwordHash).catch(() => false);
    if (!passwordOk) return fail(address, CommandStatus.ESME_RINVPASWD, "bad_password");
    verified.set(account.id, { passwordHash: account.passwordHash, digest });
    if (account.status !== "active" || snapshot.spStatus.get(account.spId) === "suspended") {
      options.onOutcome?.("disabled");
      return { ok: false, status: CommandStatus.ESME_RBINDFAIL };
    }
    const limit = Math.max(1, Math.floor(account.maxBinds / options.instances));
    if (options.bindsOf(account.id) >= limit) {
      options.onOutcome?.("too_many_binds");
      return { ok: false, status: CommandStatus.ESME_RBINDFAIL };
    }
    guard.recordSuccess(address);
    options.onOutcome?.("ok");
    return {
      ok: true,
      context: {
        accountId: account.id,
        identity: { accountId: account.id, spId: account.spId, systemId: account.systemId, defaultCategory: account.defaultCategory, remoteAddress: address },
      },
    };
  };
}
