import { systemClock } from "../../src/lib/clock.ts";
import { createHash } from "node:crypto";
import { isAddressAllowed } from "../../src/lib/cidr.ts";
import { commandStatusFor, type BindReasonCode } from "../../src/policy/reasons.ts";
import type { RegistrySnapshot } from "../../src/registry/snapshot.ts";
import type { AuthenticateRequest, AuthenticateResult } from "../session/server.ts";
import type { BindMode } from "../wire/pdu.ts";
import { BindGuard } from "../../src/gateway/bind-guard.ts";
import type { SessionIdentity } from "../../src/gateway/gatekeeper.ts";

/**
 * A bound session: an SP's own bind (`identity` is its SP's), or a trusted gateway's (`link`: the
 * ISMG's account; each message's SP is found from its source port, see gateway-identity.ts).
 */
export type SessionContext =
  | { kind: "sp"; accountId: string; identity: SessionIdentity }
  | { kind: "gateway"; accountId: string; link: GatewayLink };

/** The gateway bind's own identity: no SP of its own; `carriedSpIds` empty = it may carry every SP. */
export interface GatewayLink extends Omit<SessionIdentity, "spId"> {
  carriedSpIds: readonly string[];
}

/** The metric label of each bind outcome (gatekeeper_smpp_bind_attempts_total{outcome}). */
export type BindOutcome = "ok" | "unknown_system_id" | "bad_password" | "locked_out" | "ip_refused" | "disabled" | "too_many_binds";

const OUTCOME_OF: Record<BindReasonCode, Exclude<BindOutcome, "ok">> = {
  bind_unknown_system_id: "unknown_system_id",
  bind_bad_password: "bad_password",
  bind_locked_out: "locked_out",
  bind_address_not_allowed: "ip_refused",
  bind_account_disabled: "disabled",
  bind_too_many_binds: "too_many_binds",
};

/** A refused bind, as much as may be kept of it: never the password. */
export interface BindRefusal {
  reason: BindReasonCode;
  mode: BindMode;
  remoteAddress: string;
  /** The account the bind named, when its system_id is known. */
  account?: { id: string; spId: string | null };
  /**
   * The system_id as sent, only when it names no account, and only when the password field does not
   * hold a known system_id: an ESME with the two fields swapped sends its password as system_id.
   */
  unknownSystemId?: string;
}

export interface BindAuthOptions {
  registry: () => RegistrySnapshot;
  /** Bound sessions an account has on this instance right now. */
  bindsOf: (accountId: string) => number;
  /** Several proxies share each account's bind limit (see README "Several proxies"). */
  instances: number;
  /**
   * maxFailures: failed binds from one remote address within windowMs that lock the address out
   * for lockoutMs; maxAccountFailures: failed binds naming one account (from any addresses) that
   * lock that account out for the same time.
   */
  lockout?: { maxFailures: number; maxAccountFailures?: number; windowMs: number; lockoutMs: number };
  now?: () => number;
  onOutcome?: (outcome: BindOutcome) => void;
  /** Every refused bind (after onOutcome); the proxy journals them. */
  onRefusal?: (refusal: BindRefusal) => void;
}

/**
 * Bind authentication against the registry snapshot (no database round-trip): the account must
 * exist and be active, its SP active, the peer address inside the account's allowlist, the
 * password must match its argon2 hash, and the account under its bind limit.
 *
 * Lockout, counted twice: every failure (unknown system_id, address outside the allowlist, wrong
 * password) counts against the remote address, and a wrong password also against the account it
 * named. An address with `maxFailures` failures in the window is locked out (every bind from it
 * refused), and so is an account with `maxAccountFailures` wrong passwords in the window (every
 * bind naming it refused, from any address). A success resets only its own account's count, never
 * an address's: binding account B must not wipe the guesses at account A made from that address.
 * A bind refused by the allowlist does not count against the account (it never reached the
 * password check), so strangers cannot lock out an account that has an allowlist. A successful password check is remembered as a SHA-256 of the
 * password next to the hash it was checked against, so rebinds do not pay for argon2 again; a
 * password change (new hash) invalidates it. The bind_resp status of each refusal is its reason's
 * (src/policy/reasons.ts, rule group `bind`).
 */
export function createBindAuthenticator(options: BindAuthOptions) {
  const lockout = options.lockout ?? { maxFailures: 5, windowMs: 5 * 60_000, lockoutMs: 15 * 60_000 };
  const addresses = new BindGuard(lockout);
  const accounts = new BindGuard({ ...lockout, maxFailures: lockout.maxAccountFailures ?? 10 });
  const verified = new Map<string, { passwordHash: string; digest: string }>();
  const now = options.now ?? systemClock;
  const refuse = (request: AuthenticateRequest, reason: BindReasonCode, details: Pick<BindRefusal, "account" | "unknownSystemId"> = {}) => {
    options.onOutcome?.(OUTCOME_OF[reason]);
    options.onRefusal?.({ reason, mode: request.mode, remoteAddress: request.remoteAddress, ...details });
    return { ok: false as const, status: commandStatusFor(reason) };
  };
  /** A refusal that counts towards the address's lockout (and, for a wrong password, the account's). */
  const fail = (request: AuthenticateRequest, reason: BindReasonCode, details?: Pick<BindRefusal, "account" | "unknownSystemId">) => {
    const at = now();
    addresses.recordFailure(request.remoteAddress, at);
    if (reason === "bind_bad_password" && details?.account) accounts.recordFailure(details.account.id, at);
    return refuse(request, reason, details);
  };

  return async function authenticate(request: AuthenticateRequest): Promise<AuthenticateResult<SessionContext>> {
    const address = request.remoteAddress;
    const snapshot = options.registry();
    // A CMPP account (SP code + shared secret) does not bind over SMPP: to SMPP it does not exist.
    const found = snapshot.accountsBySystemId.get(request.systemId);
    const account = found?.protocol === "cmpp" ? undefined : found;
    const named = account ? { account: { id: account.id, spId: account.spId } } : {};
    // Attributed to the account it names (without checking the password), so reviewers see whose account is being tried.
    if (addresses.isLocked(address, now()) || (account && accounts.isLocked(account.id, now()))) return refuse(request, "bind_locked_out", named);
    if (!account) {
      const swapped = snapshot.accountsBySystemId.has(request.password);
      return fail(request, "bind_unknown_system_id", swapped ? {} : { unknownSystemId: request.systemId });
    }
    // A gateway may send from every SP's ports: without an allowlist it binds from nowhere.
    const addressAllowed = account.kind === "gateway" && account.allowedIps.length === 0 ? false : isAddressAllowed(address, account.allowedIps);
    if (!addressAllowed) return fail(request, "bind_address_not_allowed", named);
    const digest = createHash("sha256").update(request.password).digest("hex");
    const cached = verified.get(account.id);
    const passwordOk =
      cached && cached.passwordHash === account.passwordHash
        ? cached.digest === digest
        : await Bun.password.verify(request.password, account.passwordHash).catch(() => false);
    if (!passwordOk) return fail(request, "bind_bad_password", named);
    verified.set(account.id, { passwordHash: account.passwordHash, digest });
    if (account.status !== "active" || (account.spId !== null && snapshot.spStatus.get(account.spId) === "suspended")) return refuse(request, "bind_account_disabled", named);
    const limit = Math.max(1, Math.floor(account.maxBinds / options.instances));
    if (options.bindsOf(account.id) >= limit) return refuse(request, "bind_too_many_binds", named);
    accounts.reset(account.id, now());
    options.onOutcome?.("ok");
    const link = { accountId: account.id, systemId: account.systemId, defaultCategory: account.defaultCategory, remoteAddress: address };
    if (account.spId === null) return { ok: true, context: { kind: "gateway", accountId: account.id, link: { ...link, carriedSpIds: account.carriedSpIds } } };
    return { ok: true, context: { kind: "sp", accountId: account.id, identity: { ...link, spId: account.spId } } };
  };
}
