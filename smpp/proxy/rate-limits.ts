import type { SessionContext } from "./bind-auth.ts";
import type { SessionIdentity } from "../../src/gateway/judge-input.ts";
import { TokenBucket } from "../../src/gateway/token-bucket.ts";

/**
 * The submission rate limits: one token bucket per bind account (on a gateway account, the whole
 * link's), and on a gateway link one more per SP carried, capping that SP's share (README "Trusted
 * gateway binds (ISMG)"). Rates are read on every use, so a changed limit applies at once.
 */
export class SubmissionBuckets {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly rates: {
      account: (accountId: string) => number;
      /** An SP's share of a gateway link; undefined: only the link's cap applies. */
      share: (spId: string) => number | undefined;
    },
  ) {}

  account(accountId: string, now: number): TokenBucket {
    return this.bucket(accountId, this.rates.account(accountId), now);
  }

  /** The SP's share of a gateway link; undefined on an SP's own bind or for an SP without a rate. */
  share(context: SessionContext, identity: SessionIdentity, now: number): TokenBucket | undefined {
    if (context.kind !== "gateway") return undefined;
    const rate = this.rates.share(identity.spId);
    return rate === undefined ? undefined : this.bucket(`${context.accountId}|${identity.spId}`, rate, now);
  }

  private bucket(key: string, rate: number, now: number): TokenBucket {
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = new TokenBucket(rate, now)));
    else bucket.setRate(rate);
    return bucket;
  }
}
