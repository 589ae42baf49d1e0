/**
 * CMPP CONNECT authentication against the registry snapshot, with the SMPP bind's rules: the account
 * (protocol cmpp, systemId = Source_Addr, the SP's 6-character code) must exist and be active, its
 * SP active, the peer inside the account's allowlist, the account under its bind cap (shared out
 * among PROXY_INSTANCES), and the same lockouts: failures (unknown code, address outside the
 * allowlist, wrong authenticator or stale timestamp) count against the remote address, a wrong
 * authenticator also against the account; a locked address or account is refused outright.
 *
 * The shared secret is opened from its seal (SECRETS_KEY) only here, per CONNECT, and handed to the
 * CMPP layer for the MD5 check; it is never logged or journaled. Refusals are journaled like
 * refused SMPP binds (command cmpp_connect), the ones the lockout does not bound coalesced.
 */
import { BindGuard } from "../../src/gateway/bind-guard.ts";
import type { SessionIdentity } from "../../src/gateway/judge-input.ts";
import { RefusalCoalescer } from "../../src/gateway/refusal-coalescer.ts";
import type { Journal } from "../../src/journal/journal.ts";
import { isAddressAllowed } from "../../src/lib/cidr.ts";
import type { SecretBox } from "../../src/lib/secrets.ts";
import type { BindReasonCode } from "../../src/policy/reasons.ts";
import type { AccountEntry, RegistrySnapshot } from "../../src/registry/snapshot.ts";
import type { AuthenticateRequest, AuthenticateResult } from "../session/server.ts";
import { CONNECT_STATUS } from "./results.ts";

export interface CmppSessionContext {
  identity: SessionIdentity;
  accountId: string;
  /** The SP code (Source_Addr) the session connected with. */
  spCode: string;
}

export interface CmppAuthOptions {
  registry: () => RegistrySnapshot;
  secrets: Pick<SecretBox, "open">;
  /** Connected sessions an account has on this instance right now. */
  connectionsOf: (accountId: string) => number;
  instances: number;
  lockout?: { maxFailures: number; maxAccountFailures?: number; windowMs: number; lockoutMs: number };
  journal: Pick<Journal, "recordRejection">;
  now: () => number;
  onOutcome?: (outcome: "ok" | BindReasonCode) => void;
}

/** Refusals the address lockout does not bound: journaled once per (address, reason, account) per window. */
const COALESCED: ReadonlySet<BindReasonCode> = new Set(["bind_locked_out", "bind_account_disabled", "bind_too_many_binds"]);

export function createCmppAuthenticator(options: CmppAuthOptions) {
  const lockout = options.lockout ?? { maxFailures: 5, windowMs: 5 * 60_000, lockoutMs: 15 * 60_000 };
  const addresses = new BindGuard(lockout);
  const accounts = new BindGuard({ ...lockout, maxFailures: lockout.maxAccountFailures ?? 10 });
  const coalescer = new RefusalCoalescer();

  const refuse = (request: AuthenticateRequest, reason: BindReasonCode, account?: AccountEntry, counts = false) => {
    const at = options.now();
    if (counts) addresses.recordFailure(request.remoteAddress, at);
    options.onOutcome?.(reason);
    const key = COALESCED.has(reason) ? `${request.remoteAddress}|${reason}|${account?.id ?? ""}` : undefined;
    if (coalescer.admit(key, at)) {
      options.journal.recordRejection({
        at, reason, monitor: false, command: "cmpp_connect",
        spId: account?.spId ?? null, accountId: account?.id ?? null, remoteAddress: request.remoteAddress,
        text: account ? null : `Source_Addr: ${request.sourceAddr.replace(/[^\x21-\x7e]/g, "?").slice(0, 6)}`,
      });
    }
    return { ok: false as const, status: CONNECT_STATUS[reason] };
  };

  const find = (sourceAddr: string) => {
    const account = options.registry().accountsBySystemId.get(sourceAddr);
    return account?.protocol === "cmpp" ? account : undefined;
  };

  return {
    authenticate(request: AuthenticateRequest): AuthenticateResult<CmppSessionContext> {
      const snapshot = options.registry();
      const account = find(request.sourceAddr);
      const now = options.now();
      if (addresses.isLocked(request.remoteAddress, now) || (account && accounts.isLocked(account.id, now))) return refuse(request, "bind_locked_out", account);
      // A gateway account (an ISMG's SMPP bind, no SP of its own) never authenticates over CMPP.
      if (!account || account.spId === null) return refuse(request, "bind_unknown_system_id", undefined, true);
      const spId = account.spId;
      if (account.allowedIps.length > 0 && !isAddressAllowed(request.remoteAddress, account.allowedIps)) return refuse(request, "bind_address_not_allowed", account, true);
      const secret = account.secretSealed ? options.secrets.open(account.secretSealed) : undefined;
      // A seal no configured key opens: nobody can authenticate; refused like a wrong secret.
      if (secret === undefined) return refuse(request, "bind_bad_password", account, true);
      if (account.status !== "active" || snapshot.spStatus.get(spId) === "suspended") return refuse(request, "bind_account_disabled", account);
      const cap = Math.max(1, Math.floor(account.maxBinds / options.instances));
      if (options.connectionsOf(account.id) >= cap) return refuse(request, "bind_too_many_binds", account);
      return {
        ok: true,
        secret,
        context: {
          accountId: account.id,
          spCode: account.systemId,
          identity: { accountId: account.id, spId, systemId: account.systemId, defaultCategory: account.defaultCategory, remoteAddress: request.remoteAddress },
        },
      };
    },

    /** The CMPP layer's verdict on the authenticator and timestamp (see CmppServerHandlers.authenticated). */
    authenticated(request: AuthenticateRequest, context: CmppSessionContext, ok: boolean): number | undefined {
      const account = options.registry().accountsById.get(context.accountId);
      if (!ok) {
        accounts.recordFailure(context.accountId, options.now());
        refuse(request, "bind_bad_password", account, true);
        return undefined;
      }
      accounts.reset(context.accountId, options.now());
      options.onOutcome?.("ok");
      return undefined;
    },
  };
}
