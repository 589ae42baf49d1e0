import { classifyFolded, judgeCategory, type Classification } from "../classifier.ts";
import { extractSignature, normaliseSignatureText, type SignatureExtraction } from "../signature.ts";
import { DEFAULT_SHORTENERS, extractLinks, type ExtractedLink } from "../content/links.ts";
import { extractPhoneNumbers, type ExtractedPhone } from "../content/phones.ts";
import { scanBody, type BodyScan } from "../content/body-scan.ts";
import { classificationFoldOfKept, compactFolded, foldKeepSpaces } from "../text.ts";
import type { Category, PolicySettings, PortMatch, RecipientCounters, RegistryView, SignatureEntry, Submission } from "../types.ts";

/**
 * What the rules read about one submission. The expensive facts (the port match, the signature
 * extraction and lookup, the folded text, the category) are computed on first use and kept, so a
 * rule never recomputes what an earlier rule established, and a decision that ends early never
 * computes what no rule reached. decide() reports the facts that were established at the time of
 * a refusal (see `known`), so the journal sees what the gatekeeper knew.
 */
export class Facts {
  readonly settings: PolicySettings;
  private matched = false;
  private matchValue: PortMatch | undefined;
  private extractedValue: SignatureExtraction | undefined;
  private signatureLooked = false;
  private signatureValue: SignatureEntry | undefined;
  private keptValue: string | undefined;
  private foldedValue: string | undefined;
  private compactValue: string | undefined;
  private categoryValue: Category | undefined;
  private classificationValue: Classification | undefined;
  private linksValue: ExtractedLink[] | undefined;
  private phonesValue: ExtractedPhone[] | undefined;
  private bodyScanValue: BodyScan | undefined;
  private memos: Map<object, unknown> | undefined;

  constructor(
    readonly submission: Submission,
    readonly registry: RegistryView,
    readonly counters: RecipientCounters,
  ) {
    this.settings = registry.settings;
  }

  /** Where the source address lands (longest-prefix port match), if anywhere. */
  get match(): PortMatch | undefined {
    if (!this.matched) {
      this.matchValue = this.registry.matchPort(this.submission.sourceAddr);
      this.matched = true;
    }
    return this.matchValue;
  }

  /** The one signature tag of the whole text, or why there is not exactly one. */
  get extracted(): SignatureExtraction {
    return (this.extractedValue ??= extractSignature(this.submission.text));
  }

  /** The registered signature the tag names (any status), if the tag was read and is registered. */
  get signature(): SignatureEntry | undefined {
    if (!this.signatureLooked) {
      const extracted = this.extracted;
      this.signatureValue = extracted.ok ? this.registry.signatureByText(extracted.text) : undefined;
      this.signatureLooked = true;
    }
    return this.signatureValue;
  }

  /** The enterprise that owns the signature; undefined when no registered signature was found. */
  get enterpriseId(): string | undefined {
    return this.signature?.enterpriseId;
  }

  /** The body without its signature, as sent (the whole text when no signature was read). */
  get body(): string {
    const extracted = this.extracted;
    return extracted.ok ? extracted.body : this.submission.text;
  }

  /** The body folded by foldKeepSpaces (width, case, invisible characters; what templates match). */
  get kept(): string {
    return (this.keptValue ??= foldKeepSpaces(this.body));
  }

  /** The body without its signature (the whole text when none was read), folded for classification. */
  get folded(): string {
    return (this.foldedValue ??= classificationFoldOfKept(this.kept));
  }

  /** `folded` without whitespace (what opt-out hints are matched on). */
  get compact(): string {
    return (this.compactValue ??= compactFolded(this.folded));
  }

  /**
   * The category the message is judged as: the declared one, escalated by what the body reads as.
   * The body is classified without its signature, so 【优惠生活】 alone does not read as marketing.
   */
  get category(): Category {
    // Marketing ranks highest and a category is only ever escalated: a message declared marketing is
    // judged marketing whatever its body reads as, so its body is not classified (the scanner is
    // the largest single cost of decide()).
    const declared = this.submission.declaredCategory;
    return (this.categoryValue ??= declared === "marketing" ? "marketing" : judgeCategory(declared, this.classification));
  }

  /** What the body (without its signature) reads as, before the declared category is applied. */
  get classification(): Classification {
    return (this.classificationValue ??= classifyFolded(this.folded));
  }

  /** Every URL-like thing in the body (content/links.ts undoes the disguises), read once per decision. */
  get links(): ExtractedLink[] {
    return (this.linksValue ??= extractLinks(this.body, { shorteners: this.settings.shorteners ?? DEFAULT_SHORTENERS }, this.bodyScan));
  }

  /** Every phone number in the body (content/phones.ts tells codes, amounts and dates apart), read once per decision. */
  get phones(): ExtractedPhone[] {
    return (this.phonesValue ??= extractPhoneNumbers(this.body, this.bodyScan));
  }

  /** One pass over the body for both readers' fast exits (content/body-scan.ts). */
  private get bodyScan(): BodyScan {
    return (this.bodyScanValue ??= scanBody(this.body));
  }

  /**
   * A rule's own derived fact, computed once per decision: `key` is any object the rule owns
   * (usually its module-level constant), `compute` runs on first use.
   */
  memo<T>(key: object, compute: (facts: Facts) => T): T {
    this.memos ??= new Map();
    if (this.memos.has(key)) return this.memos.get(key) as T;
    const value = compute(this);
    this.memos.set(key, value);
    return value;
  }

  /**
   * The facts established so far, for a verdict: the port always (it is the first fact); the
   * signature, its enterprise and what the message offered once the signature was read (the
   * category needs it too); the category once it was judged.
   */
  known(): Known {
    const match = this.match;
    const known: Known = { port: match?.port, extension: match?.extension };
    if (this.extractedValue === undefined) return known;
    const signature = this.signature;
    known.signature = signature;
    known.enterpriseId = signature?.enterpriseId;
    if (!signature) {
      const offered = offeredText(this.extracted);
      if (offered !== undefined) known.offeredSignature = offered;
    }
    if (this.categoryValue !== undefined) known.category = this.categoryValue;
    if (this.classificationValue !== undefined) known.readsAsVerification = this.classificationValue.readsAsVerification;
    return known;
  }
}

export interface Known {
  port?: PortMatch["port"];
  extension?: PortMatch["extension"];
  signature?: SignatureEntry;
  /** The signature text the message offered when no registered one matched (for the journal). */
  offeredSignature?: string;
  enterpriseId?: string;
  category?: Category;
  /** The body reads as a verification code, whatever its declared category (the velocity rule counts these). */
  readsAsVerification?: boolean;
}

/** What the message offered as its signature, when no registered one matched: each part normalised, cut at 40 characters. */
function offeredText(extracted: SignatureExtraction): string | undefined {
  if (extracted.ok) return cut(extracted.text);
  if (extracted.raw === undefined) return undefined;
  const first = cut(normaliseSignatureText(extracted.raw));
  return extracted.otherRaw === undefined ? first : `${first} / ${cut(normaliseSignatureText(extracted.otherRaw))}`;
}

function cut(text: string): string {
  const points = Array.from(text);
  return points.length <= 40 ? text : `${points.slice(0, 40).join("")}…`;
}
