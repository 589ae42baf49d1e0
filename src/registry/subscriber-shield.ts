import type { Category, PreferenceBlock } from "../policy/types.ts";
import { Key64Set, recipientKey } from "./key-set.ts";

/** Category → the bit a subscriber's block sets (verification has none: never blocked). */
const PREFERENCE_BITS: Readonly<Record<Category, number>> = { verification: 0, marketing: 1, notification: 2 };

/**
 * What the carrier-wide shield holds per subscriber in the snapshot: preferences (categories
 * blocked, all day in a keyed set, or in a time band in a small map) and honeypot numbers, all by
 * the recipient's keyed hash.
 */
export class SubscriberShield {
  /** Subscribers' all-day blocks: the recipient key salted 1 for marketing, 2 for notification. */
  readonly preferenceBlocks = new Key64Set();
  /** Subscribers' banded blocks (few): hash → the categories' bits (1 marketing, 2 notification) and the band. */
  private readonly bandedPreferences = new Map<string, { bits: number; block: PreferenceBlock }>();
  /** Honeypot numbers, keyed like do-not-disturb (never read by the policy; see Gatekeeper). */
  readonly honeypots = new Key64Set();

  /** Scratch space for recipientKey (no allocation per lookup). */
  private readonly key: [number, number] = [0, 0];

  preferenceBlock(recipientHash: string, category: Category): PreferenceBlock | undefined {
    const bit = PREFERENCE_BITS[category];
    if (bit === 0) return undefined; // verification: never blocked by a preference
    const [hi, lo] = recipientKey(recipientHash, bit, this.key);
    if (this.preferenceBlocks.has(hi, lo)) return "always";
    if (this.bandedPreferences.size === 0) return undefined;
    const banded = this.bandedPreferences.get(recipientHash);
    return banded && (banded.bits & bit) !== 0 ? banded.block : undefined;
  }

  isHoneypot(recipientHash: string): boolean {
    const [hi, lo] = recipientKey(recipientHash, 0, this.key);
    return this.honeypots.has(hi, lo);
  }

  get preferenceCount(): number {
    return this.preferenceBlocks.size + this.bandedPreferences.size;
  }

  get honeypotCount(): number {
    return this.honeypots.size;
  }

  /** Replaces the subscriber's preference (categories blocked, all day or in a band of minutes). */
  setPreference(recipientHash: string, categories: readonly Category[], band: { start: number; end: number } | null): void {
    this.removePreference(recipientHash);
    let bits = 0;
    for (const category of categories) bits |= PREFERENCE_BITS[category];
    if (bits === 0) return;
    if (band) {
      this.bandedPreferences.set(recipientHash, { bits, block: { start: band.start, end: band.end } });
      return;
    }
    for (const bit of [1, 2]) {
      if ((bits & bit) === 0) continue;
      const [hi, lo] = recipientKey(recipientHash, bit, this.key);
      this.preferenceBlocks.add(hi, lo);
    }
  }

  removePreference(recipientHash: string): void {
    this.bandedPreferences.delete(recipientHash);
    for (const bit of [1, 2]) {
      const [hi, lo] = recipientKey(recipientHash, bit, this.key);
      this.preferenceBlocks.delete(hi, lo);
    }
  }

  addHoneypot(recipientHash: string): void {
    const [hi, lo] = recipientKey(recipientHash, 0, this.key);
    this.honeypots.add(hi, lo);
  }

  removeHoneypot(recipientHash: string): void {
    const [hi, lo] = recipientKey(recipientHash, 0, this.key);
    this.honeypots.delete(hi, lo);
  }
}
