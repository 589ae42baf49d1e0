import type { Journal } from "../../src/journal/journal.ts";
import { redactText } from "../../src/lib/pii.ts";
import type { Metrics } from "../../src/observability/metrics.ts";
import type { BindReasonCode } from "../../src/policy/reasons.ts";
import type { BindRefusal } from "./bind-auth.ts";
import { RefusalCoalescer, type RefusalCoalescerOptions } from "../../src/gateway/refusal-coalescer.ts";

export interface BindRefusalJournalOptions extends RefusalCoalescerOptions {
  journal: Pick<Journal, "recordRejection">;
  metrics?: Pick<Metrics, "bindRefusalsCoalesced">;
}

/**
 * Refusals the address lockout does not bound: a locked-out address may keep trying, and a disabled
 * account or one at its bind limit is refused without counting as a failure. (Unknown system_id,
 * wrong password and an address outside the allowlist do count: the lockout stops an address after
 * SMPP_BIND_LOCKOUT_FAILURES of them, so each of those is journaled.)
 */
const COALESCED: ReadonlySet<BindReasonCode> = new Set(["bind_locked_out", "bind_account_disabled", "bind_too_many_binds"]);

/** SMPP 3.4 caps system_id at 16 octets with its NUL; a longer one is cut (and marked). */
const SYSTEM_ID_SHOWN = 16;

/**
 * An unknown system_id as the journal keeps it: printable ASCII as is, everything else (and the
 * backslash) as \xNN, at most 16 characters, and runs of 4+ digits masked like message text (a
 * system_id could be a phone number). Not personal data otherwise, and it helps an operator see a
 * mistyped id.
 */
export function journaledSystemId(systemId: string): string {
  const shown = [...systemId.slice(0, SYSTEM_ID_SHOWN)]
    .map((ch) => {
      const code = ch.codePointAt(0)!;
      if (code >= 0x21 && code <= 0x7e && ch !== "\\") return ch;
      return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u{${code.toString(16)}}`;
    })
    .join("");
  return `system_id: ${redactText(shown)}${systemId.length > SYSTEM_ID_SHOWN ? "…" : ""}`;
}

/**
 * Journals refused binds as `rejections` rows (command bind_*, reason bind_*, the account and SP
 * when the system_id is known, the remote address), without letting a peer flood the journal:
 *
 * - refusals the address lockout already bounds (unknown system_id, wrong password, address
 *   outside the allowlist) are each journaled: reviewers want every one of those;
 * - the others (COALESCED) are coalesced: the first per (remote address, reason, account) is
 *   journaled, and repeats within the next window are only counted in
 *   gatekeeper_smpp_bind_refusals_coalesced_total{reason};
 * - and at most `maxPerWindow` rows per window in all, so a peer with many addresses cannot
 *   flood it either (the excess is counted the same way).
 *
 * gatekeeper_smpp_bind_attempts_total counts every attempt, journaled or not. Nothing secret is
 * written: the password never reaches this class (see BindRefusal).
 */
export class BindRefusalJournal {
  private readonly coalescer: RefusalCoalescer;

  constructor(private readonly options: BindRefusalJournalOptions) {
    this.coalescer = new RefusalCoalescer(options);
  }

  /** Journals the refusal, or counts it as coalesced. Returns whether it was journaled. */
  record(refusal: BindRefusal, at: number): boolean {
    const key = COALESCED.has(refusal.reason) ? `${refusal.remoteAddress}|${refusal.reason}|${refusal.account?.id ?? ""}` : undefined;
    if (!this.coalescer.admit(key, at)) {
      this.options.metrics?.bindRefusalsCoalesced.inc({ reason: refusal.reason });
      return false;
    }
    this.options.journal.recordRejection({
      at,
      reason: refusal.reason,
      monitor: false,
      command: `bind_${refusal.mode}`,
      spId: refusal.account?.spId ?? null,
      accountId: refusal.account?.id ?? null,
      remoteAddress: refusal.remoteAddress,
      text: refusal.unknownSystemId === undefined ? null : journaledSystemId(refusal.unknownSystemId),
    });
    return true;
  }
}
