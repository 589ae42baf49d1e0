/**
 * A one-character regex test as a function of a UTF-16 code unit, remembered per unit: the fast
 * paths of the link and number readers classify every character of every message, and a
 * Unicode-property regex per character (or per text) costs more than the rest of the fast path.
 * `test` must be a pure test of one character (no g or y flag: no state). A surrogate half is
 * never a character on its own: callers treat it as "not in the class" and take their full path.
 *
 * A class instance rather than a closure: every call site then sees one method of one class,
 * which the JIT inlines into the caller's loop (a closure per class was a call per character).
 */
export class CharClass {
  // 0 = not computed yet, 1 = in the class, 2 = not in it; 64 KiB per class, filled as units are seen.
  private readonly seen = new Uint8Array(0x10000);
  constructor(private readonly test: RegExp) {}

  has(code: number): boolean {
    const known = this.seen[code]!;
    return known === 0 ? this.learn(code) : known === 1;
  }

  private learn(code: number): boolean {
    const inClass = !(code >= 0xd800 && code <= 0xdfff) && this.test.test(String.fromCharCode(code));
    this.seen[code] = inClass ? 1 : 2;
    return inClass;
  }
}

export function charTest(test: RegExp): CharClass {
  return new CharClass(test);
}
