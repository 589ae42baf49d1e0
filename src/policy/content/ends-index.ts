/**
 * Items keyed by the fixed text they must start and end with (either may be ""), looked up by a
 * text: every item whose start is a prefix of the text and whose end is a suffix of it. Used to
 * narrow a signature's templates to the few that can fit a message before any matching: with
 * 10,000 templates under one signature that all begin "您的验证码是", their different endings
 * still separate them. Lookup costs one map probe per distinct (start length, end length) pair.
 */
interface ByEnd<T> {
  readonly byLast: Map<string, T[]>;
  readonly lastLengths: number[];
}

export class EndsIndex<T> {
  private readonly byFirst = new Map<string, ByEnd<T>>();
  private readonly firstLengths: number[] = [];
  size = 0;

  add(first: string, last: string, item: T): void {
    let level = this.byFirst.get(first);
    if (level === undefined) {
      level = { byLast: new Map(), lastLengths: [] };
      this.byFirst.set(first, level);
      if (!this.firstLengths.includes(first.length)) this.firstLengths.push(first.length);
    }
    const bucket = level.byLast.get(last);
    if (bucket === undefined) {
      level.byLast.set(last, [item]);
      if (!level.lastLengths.includes(last.length)) level.lastLengths.push(last.length);
    } else bucket.push(item);
    this.size++;
  }

  /** Items that may fit `text`, each once (an item is stored under one key only). */
  lookup(text: string): T[] {
    const out: T[] = [];
    for (const f of this.firstLengths) {
      if (f > text.length) continue;
      const level = this.byFirst.get(text.slice(0, f));
      if (level === undefined) continue;
      for (const l of level.lastLengths) {
        if (f + l > text.length) continue;
        const bucket = level.byLast.get(text.slice(text.length - l));
        if (bucket !== undefined) for (const item of bucket) out.push(item);
      }
    }
    return out;
  }
}
