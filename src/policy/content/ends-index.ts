/**
 * Items keyed by the fixed text they must start and end with (either may be ""), looked up by a
 * text: every item whose start is a prefix of the text and whose end is a suffix of it. Used to
 * narrow a signature's templates to the few that can fit a message before any matching: with
 * 10,000 templates under one signature that all begin "您的验证码是", their different endings
 * still separate them.
 *
 * Keys are grouped by length. A length with few distinct keys (most signatures have a handful of
 * templates) is probed by comparing each key in place (startsWith / endsWith); a length with many
 * keys takes a slice of the text and one map probe. A fresh slice must be hashed before the probe,
 * which costs more than a few comparisons against keys whose hash is already known.
 */

/** Up to this many distinct keys of one length are compared in place. */
const COMPARE_IN_PLACE = 8;

/** Values by key, with the distinct keys grouped by length. */
class Keyed<V> {
  private readonly map = new Map<string, V>();
  private readonly lengths: number[] = [];
  private readonly keysOfLength: string[][] = [];

  get(key: string): V | undefined {
    return this.map.get(key);
  }

  set(key: string, value: V): void {
    if (!this.map.has(key)) {
      let k = this.lengths.indexOf(key.length);
      if (k < 0) {
        k = this.lengths.push(key.length) - 1;
        this.keysOfLength.push([]);
      }
      this.keysOfLength[k]!.push(key);
    }
    this.map.set(key, value);
  }

  /** How many distinct key lengths there are (fit() takes one of them by its number). */
  get lengthCount(): number {
    return this.lengths.length;
  }

  /**
   * The key of the `k`th length, if it is at most `maxLength` long, that is a prefix (`atEnd`
   * false) or a suffix (`atEnd` true) of `text`: at most one, since keys of one length are distinct.
   */
  fit(text: string, atEnd: boolean, k: number, maxLength: number): string | undefined {
    const length = this.lengths[k]!;
    if (length > maxLength) return undefined;
    const keys = this.keysOfLength[k]!;
    if (length === 0) return keys[0];
    if (keys.length <= COMPARE_IN_PLACE) {
      // One character compared by code first: most keys differ there, without a call.
      const edge = text.charCodeAt(atEnd ? text.length - 1 : 0);
      for (const key of keys) {
        if (key.charCodeAt(atEnd ? length - 1 : 0) !== edge) continue;
        if (atEnd ? text.endsWith(key) : text.startsWith(key)) return key;
      }
      return undefined;
    }
    const slice = atEnd ? text.slice(text.length - length) : text.slice(0, length);
    return this.map.has(slice) ? slice : undefined;
  }
}

/** Up to this many items an index keeps a plain list, checked item by item. */
const LISTED = 8;

interface Listed<T> {
  readonly first: string;
  readonly last: string;
  readonly item: T;
}

export class EndsIndex<T> {
  /**
   * Most signatures have one template or a few: a list costs a fraction of the two levels of keyed
   * maps (100,000 template-bearing signatures in a national registry), and checking a few items
   * in place is as fast. Past LISTED items the index moves them into the maps.
   */
  private listed: Listed<T>[] | undefined = [];
  private byFirst: Keyed<Keyed<T[]>> | undefined;
  size = 0;

  add(first: string, last: string, item: T): void {
    this.size++;
    if (this.listed !== undefined) {
      if (this.listed.length < LISTED) {
        this.listed.push({ first, last, item });
        return;
      }
      const listed = this.listed;
      this.listed = undefined;
      this.byFirst = new Keyed();
      for (const entry of listed) this.addKeyed(entry.first, entry.last, entry.item);
    }
    this.addKeyed(first, last, item);
  }

  private addKeyed(first: string, last: string, item: T): void {
    let byLast = this.byFirst!.get(first);
    if (byLast === undefined) this.byFirst!.set(first, (byLast = new Keyed()));
    const bucket = byLast.get(last);
    if (bucket === undefined) byLast.set(last, [item]);
    else bucket.push(item);
  }

  /** Items that may fit `text`, each once (an item is stored under one key only). */
  lookup(text: string): T[] {
    const out: T[] = [];
    if (this.listed !== undefined) {
      for (const { first, last, item } of this.listed) {
        // The start and the end may not overlap.
        if (first.length + last.length <= text.length && text.startsWith(first) && text.endsWith(last)) out.push(item);
      }
      return out;
    }
    const byFirst = this.byFirst!;
    for (let i = 0; i < byFirst.lengthCount; i++) {
      const first = byFirst.fit(text, false, i, text.length);
      if (first === undefined) continue;
      const byLast = byFirst.get(first)!;
      const room = text.length - first.length;
      for (let j = 0; j < byLast.lengthCount; j++) {
        const last = byLast.fit(text, true, j, room);
        if (last !== undefined) for (const item of byLast.get(last)!) out.push(item);
      }
    }
    return out;
  }
}
