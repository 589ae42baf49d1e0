/**
 * A one-character regex test as a function of a UTF-16 code unit, remembered per unit: the fast
 * paths of the link and number readers classify every character of every message, and a
 * Unicode-property regex per character (or per text) costs more than the rest of the fast path.
 * `test` must be a pure test of one character (no g or y flag: no state). A surrogate half is
 * never a character on its own: callers treat it as "not in the class" and take their full path.
 */
export function charTest(test: RegExp): (code: number) => boolean {
  // 0 = not computed yet, 1 = in the class, 2 = not in it; 64 KiB per class, filled as units are seen.
  const seen = new Uint8Array(0x10000);
  return (code) => {
    let known = seen[code]!;
    if (known === 0) {
      known = code >= 0xd800 && code <= 0xdfff ? 2 : test.test(String.fromCharCode(code)) ? 1 : 2;
      seen[code] = known;
    }
    return known === 1;
  };
}
