/**
 * SMSC message ids come back in receipts in other forms than the submit_sm_resp gave them:
 * leading zeros dropped or added, letters in another case, or the decimal form of a hex id (and
 * the reverse). This is the most common cause of lost receipts in gateways (Jasmin's
 * "DLRMapNotFound"). We store one canonical key and try every plausible form on lookup.
 */
export function canonicalMessageId(id: string): string {
  const trimmed = id.trim().toLowerCase().replace(/^0+(?=.)/, "");
  return trimmed;
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
