/**
 * Signature text (the part inside 【】) in the one form we store, compare and look up.
 *
 * Pure and small on purpose: the policy's matcher normalises what it extracts from a message with
 * the same steps, so that 【云端科技】, 【 云端 科技 】 and 【云端\u200B科技】 are one signature, and
 * 【ＡＢＣ】 (full-width) is the same as 【ABC】. Keep the two in step (or import this one).
 *
 * Steps, in order:
 * 1. remove zero-width and other invisible format characters (they survive NFKC);
 * 2. NFKC: full-width letters and digits become ASCII, compatibility forms fold;
 * 3. remove all whitespace (including the ideographic space U+3000, which NFKC turns into a space),
 *    so trimming is implied;
 * 4. if the whole text is wrapped in one pair of 【】 (people paste signatures with their
 *    brackets), drop that pair.
 * 5. Latin letters are case-folded.
 * Steps 1–3 and 5 are the policy's own normalisation (src/policy/signature.ts), imported, so the text
 * stored at filing time is exactly the key the proxy looks a message's signature up by.
 */
import { normaliseSignatureText as policyNormalise } from "../policy/signature.ts";

/**
 * Brackets that mark (or could be confused with) signature boundaries; none may appear inside the
 * text: every signature bracket of the message grammar (src/policy/signature.ts) and ASCII [ ].
 */
export const SIGNATURE_BRACKETS = /[【】〖〗〔〕〘〙〚〛⟦⟧［］︻︼︗︘︹︺﹝﹞⦗⦘[\]]/u;

/**
 * Length limits after normalisation, counted in characters (code points). Operators commonly
 * require a signature of 2 to 20 characters (中国移动/联通/电信 accept roughly 2–20, some as
 * few as 3–8 Chinese characters for marketing); we enforce the wide common band and leave the
 * narrower per-operator rules to review.
 */
export const SIGNATURE_MIN_LENGTH = 2;
export const SIGNATURE_MAX_LENGTH = 20;

export function normaliseSignatureText(input: string): string {
  // The policy's normalisation already drops invisible characters and whitespace and folds width
  // and case; all that is left is the one pair of 【】 people paste with a signature.
  const text = policyNormalise(input);
  return text.length >= 2 && text.startsWith("【") && text.endsWith("】") ? text.slice(1, -1) : text;
}

export type SignatureTextCheck = { ok: true; text: string } | { ok: false; text: string; problem: string };

/** Normalises and validates a signature text as filed: no brackets inside, no control characters, 2–20 characters. */
export function checkSignatureText(input: string): SignatureTextCheck {
  const text = normaliseSignatureText(input);
  if (SIGNATURE_BRACKETS.test(text)) {
    return { ok: false, text, problem: "must not contain brackets (【】〖〗〔〕〘〙〚〛［］[] …) inside the signature" };
  }
  if (/[\p{Cc}\p{Cf}]/u.test(text)) return { ok: false, text, problem: "must not contain control or format characters" };
  const length = Array.from(text).length;
  if (length < SIGNATURE_MIN_LENGTH || length > SIGNATURE_MAX_LENGTH) {
    return { ok: false, text, problem: `must be ${SIGNATURE_MIN_LENGTH}–${SIGNATURE_MAX_LENGTH} characters after normalisation (got ${length})` };
  }
  return { ok: true, text };
}
