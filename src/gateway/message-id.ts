/**
 * SMSC message ids come back in receipts in other forms than the submit_sm_resp gave them:
 * leading zeros dropped or added, letters in another case, or the decimal form of a hex id (and
 * the reverse). This is the most common cause of lost receipts in gateways (Jasmin's
 * "DLRMapNotFound"). We store one canonical key and try every plausible form on lookup.
 */
export function canonicalMessageId(id: string): string {
  return alreadyCanonical(id) ? id : id.trim().toLowerCase().replace(/^0+(?=.)/, "");
}

/**
 * True when canonicalMessageId would return `id` itself: no leading zero, and only printable ASCII
 * without capitals (nothing to trim or lower). Nearly every id an SMSC issues; checked on every
 * submit_sm_resp and receipt, it spares three new strings each.
 */
function alreadyCanonical(id: string): boolean {
  if (id.length > 1 && id.charCodeAt(0) === 48) return false;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c <= 32 || c >= 127 || (c >= 65 && c <= 90)) return false;
  }
  return true;
}

/** The keys a receipt's id may correspond to, most likely first. */
export function messageIdCandidates(id: string): string[] {
  const canonical = canonicalMessageId(id);
  const candidates = [canonical];
  if (/^[0-9]{1,40}$/.test(canonical)) {
    // A decimal id in the receipt may be the decimal form of a hex id.
    try {
      candidates.push(BigInt(canonical).toString(16));
    } catch {
      // not a number after all
    }
  }
  if (/^[0-9a-f]{1,32}$/.test(canonical)) {
    // A hex-looking id may be the hex form of a decimal id.
    try {
      candidates.push(BigInt(`0x${canonical}`).toString(10));
    } catch {
      // not hex after all
    }
  }
  return [...new Set(candidates)];
}

/** A stored route as the resolver sees it: the id as the SMSC issued it, and where it goes. */
export interface RouteCandidate {
  smscMessageId: string;
  accountId: string;
  /** The id the SP was given, when it differs from the SMSC's (submit_multi). */
  spMessageId?: string | null;
}

export type RouteMatch<R extends RouteCandidate> =
  | { kind: "exact"; route: R }
  | { kind: "alias"; route: R }
  | { kind: "ambiguous"; routes: R[] }
  | { kind: "none" };

/**
 * Which stored route a receipt's id belongs to. The id exactly as the SMSC issued it wins. An
 * alias (another case, leading zeros, the decimal form of a hex id or the reverse) is used only
 * when exactly one stored route matches across all its forms. Otherwise the receipt is ambiguous, and the caller must hold it, not guess:
 * with a decimal-id SMSC, "16" is also the hex form of 22 and the decimal form of 0x10.
 */
export function resolveRoute<R extends RouteCandidate>(receiptId: string, routes: readonly R[]): RouteMatch<R> {
  const exact = routes.find((route) => route.smscMessageId === receiptId);
  if (exact) return { kind: "exact", route: exact };
  const wanted = new Set(messageIdCandidates(receiptId));
  const unique = new Map<string, R>();
  for (const route of routes) if (wanted.has(canonicalMessageId(route.smscMessageId))) unique.set(route.smscMessageId, route);
  const matches = [...unique.values()];
  if (matches.length === 0) return { kind: "none" };
  if (matches.length === 1) return { kind: "alias", route: matches[0]! };
  return { kind: "ambiguous", routes: matches };
}

/**
 * The id an SP should see in place of `shown`, where `shown` is a form of the SMSC's `smscId` and the
 * SP was given `spId`: the same form of the SP's id (decimal when the receipt wrote the decimal
 * form of a hex id, and so on), else the SP's id as it was given.
 */
export function translateMessageId(shown: string, smscId: string, spId: string): string {
  if (shown === smscId) return spId;
  const canonicalShown = canonicalMessageId(shown);
  const canonicalSmsc = canonicalMessageId(smscId);
  if (canonicalShown === canonicalSmsc) return spId;
  try {
    if (/^[0-9a-f]+$/.test(canonicalSmsc) && /^[0-9]+$/.test(canonicalShown) && BigInt(`0x${canonicalSmsc}`).toString(10) === canonicalShown) {
      if (/^[0-9a-f]+$/i.test(spId)) return BigInt(`0x${spId}`).toString(10);
    }
    if (/^[0-9]+$/.test(canonicalSmsc) && /^[0-9a-f]+$/.test(canonicalShown) && BigInt(canonicalSmsc).toString(16) === canonicalShown) {
      if (/^[0-9]+$/.test(spId)) return BigInt(spId).toString(16);
    }
  } catch {
    // not numbers after all
  }
  return spId;
}
