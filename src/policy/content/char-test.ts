/**
 * A one-character regex test as a function of a UTF-16 code unit, remembered: the fast paths of
 * the link and number readers classify every character of every message, and a Unicode-property
 * regex per character (or per text) costs more than the rest of the fast path. `test` must be a
 * pure test of one character (no g or y flag: no state). A surrogate half is never a character
 * on its own: callers treat it as "not in the class" and take their full path.
 *
 * Remembered per block of 256 code units, learnt whole on first sight: a block whose units are
 * all in the class or all out of it (every block of unified Han for most classes) is answered from
 * a 256-byte table without touching anything else; a mixed block reads one bit. Per-unit byte
 * tables (64 KiB each) put every Han character of a message on its own cache line, and the misses
 * cost more than the test saves once decide() has the rest of its data in the caches.
 *
 * A class instance rather than a closure: every call site then sees one method of one class,
 * which the JIT inlines into the caller's loop (a closure per class was a call per character).
 */

const ALL_IN = 1;
const ALL_OUT = 2;
const MIXED = 3;

export class CharClass {
  private readonly blocks = new Uint8Array(256);
  private readonly bits = new Uint32Array(2048);
  constructor(private readonly test: RegExp) {}

  has(code: number): boolean {
    const block = this.blocks[code >> 8]!;
    if (block === ALL_IN) return true;
    if (block === ALL_OUT) return false;
    if (block === MIXED) return (this.bits[code >> 5]! & (1 << (code & 31))) !== 0;
    this.learn(code >> 8);
    return this.has(code);
  }

  private learn(block: number): void {
    let inside = 0;
    for (let code = block << 8; code < (block + 1) << 8; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      if (!this.test.test(String.fromCharCode(code))) continue;
      this.bits[code >> 5]! |= 1 << (code & 31);
      inside++;
    }
    this.blocks[block] = inside === 256 ? ALL_IN : inside === 0 ? ALL_OUT : MIXED;
  }
}

export function charTest(test: RegExp): CharClass {
  return new CharClass(test);
}

