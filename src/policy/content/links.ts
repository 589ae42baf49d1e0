/**
 * Link extraction for the link allowlist: every URL-like thing in a message, however it is written,
 * with the registrable domain an operator approves per enterprise (Public Suffix List via tldts).
 *
 * Why this shape: an SP that wants to slip a link past an allowlist writes it so that a person still
 * reads it as a link but a naive matcher does not (ｗｗｗ．ｅｘａｍｐｌｅ．ｃｏｍ, example。com,
 * example[.]com, hxxps://, h t t p, zero-width characters, Cyrillic look-alikes, trusted.com@evil.com).
 * So the text is first undone the way a reader undoes it (folding, then dot and scheme look-alikes),
 * and only then scanned. Hosts go through the WHATWG URL parser, which is what a phone's browser uses:
 * it picks the real host after `@`, lower-cases, turns IDN and look-alike letters into punycode
 * (so pаypal.com with a Cyrillic а is xn--pypal-4ve.com, not paypal.com) and canonicalises IPv4
 * shorthand (http://0x7f.1 → 127.0.0.1).
 *
 * Not links (decided): numbers such as 3.5折, 1.2万, 12.50元, v1.2.3 (the last label is not a public
 * suffix); 报告.pdf (.pdf is no TLD; note .zip and .mov ARE TLDs and so count as links); a bare IPv4
 * address right after 版本/version/v (a version number; elsewhere a bare IPv4 is a link, as phones
 * linkify it); a bare IDN domain without scheme or
 * `www.` is not found (例子.中国 — a scheme or www. makes it a link).
 * Over-detection accepted: an English full stop followed by a space and a common TLD word
 * ("Apple. Com") reads as a link; the SP fixes that by writing 。 or no space.
 */
import { parse } from "tldts";
import { scanBody, type BodyScan } from "./body-scan.ts";
import { foldMapped, rawSlice, replaceMapped, type Mapped } from "./mapped.ts";

export interface ExtractedLink {
  /** The slice of the original message this link came from. */
  readonly raw: string;
  /** Host as a browser would resolve it: lower case, punycode, IPv4 canonical. */
  readonly host: string;
  /** Registrable domain (eTLD+1 by the Public Suffix List); the host itself for an IP address. */
  readonly registrableDomain: string;
  /** Present and true when the host is a public URL shortener from the list in force. */
  readonly shortener?: true;
}

/** Public shorteners refused unless the enterprise owns them; operators replace this list. */
export const DEFAULT_SHORTENERS: readonly string[] = [
  "t.cn", "dwz.cn", "url.cn", "suo.im", "suo.nz", "sina.lt", "tb.cn", "m.tb.cn", "w.url.cn", "mrw.so",
  "bit.ly", "tinyurl.com", "goo.gl", "ow.ly", "is.gd", "t.co", "v.gd", "rb.gy", "cutt.ly", "shorturl.at",
  "tiny.cc", "buff.ly", "rebrand.ly", "s.id", "t.ly", "dwz.mk", "u.nu", "6du.in", "985.so", "j.mp",
];

/** Each shortener list seen, lower-cased into a set once (a list is replaced, never edited in place). */
const SHORTENER_SETS = new WeakMap<readonly string[], ReadonlySet<string>>();

let lastList: readonly string[] | undefined;
let lastSet: ReadonlySet<string> | undefined;

function shortenerSet(list: readonly string[]): ReadonlySet<string> {
  if (list === lastList) return lastSet!;
  let set = SHORTENER_SETS.get(list);
  if (set === undefined) {
    set = new Set(list.map((entry) => entry.toLowerCase()));
    SHORTENER_SETS.set(list, set);
  }
  lastList = list;
  lastSet = set;
  return set;
}

/**
 * True when `domain` (a host or registrable domain) is one of `list` or a subdomain of one: the
 * domain itself or any suffix of it after a dot is in the list (one set lookup per label).
 */
export function isShortener(domain: string, list: readonly string[] = DEFAULT_SHORTENERS): boolean {
  const lower = domain.toLowerCase();
  const d = lower.endsWith(".") ? lower.slice(0, -1) : lower;
  const set = shortenerSet(list);
  if (set.has(d)) return true;
  for (let dot = d.indexOf("."); dot >= 0; dot = d.indexOf(".", dot + 1)) {
    if (set.has(d.slice(dot + 1))) return true;
  }
  return false;
}

// A character of a host label as written in a message: a letter, mark or digit of any script but
// the East Asian ones (a Chinese message runs straight into a link: 访问abc.cn), or a hyphen. Every
// other script counts, so a host is never cut at an Armenian or Cherokee letter glued in front of
// an approved domain (evilաexample.com is not example.com); look-alikes become punycode later.
const LL = String.raw`[^\s\p{P}\p{S}\p{C}\p{Z}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}]`;
const L = `(?:${LL}|-)`;
/** Top-level domains an obfuscator writes with spaces around the dot ("example . com"). */
const COMMON_TLD = "com|cn|net|org|cc|top|xyz|vip|me|io|co|info|site|online|club|shop|wang|ltd|link|pw|biz|hk|tw|ink|work|live|icu|fun|tk|ml|ga|cf|gq|app|so|ly|gd|im";

/**
 * The rewrites a reader does in their head, in order. Each keeps the source mapping. The third
 * element is a plain test that every match of the rewrite that changes something needs (a
 * character or a shape it cannot match without: spaced-out letters need "x y z", with no Unicode
 * properties; for the last one, whitespace next to a dot: without it every match is a lone "."
 * rewritten to itself): when the text so far fails it, the Unicode-property scan is skipped.
 */
const REWRITES: readonly [RegExp, (m: RegExpExecArray) => string, RegExp][] = [
  // h t t p s : / / , hxxps://, h**p://, h.t.t.p:// (gaps bounded: unbounded overlapping runs of * were
  // a ReDoS, 16 s on h followed by 3,000 asterisks)
  [/h[\s*.]{0,3}[tx*][\s*.]{0,3}[tx*][\s*.]{0,3}p[\s*.]{0,3}(s?)[\s*.]{0,3}:[\s*]{0,3}\/[\s*]{0,3}\/\s*/g, (m) => `http${m[1]}://`, /h/],
  // single letters spaced out: "e x a m p l e", "c o m" (three or more)
  [new RegExp(String.raw`(?<!${LL})${LL}(?:[ \t]{1,2}${LL}(?!${LL})){2,}`, "gu"), (m) => m[0].replace(/[ \t]/g, ""), /\S[ \t]{1,2}\S[ \t]{1,2}\S/],
  // bracketed or spelled dots: [.] (.) {.} 【.】 [dot] (dot) (点)
  [new RegExp(String.raw`(?<=${LL})\s*[\[({【]\s*(?:\.|。|dot|点)\s*[\])}】]\s*(?=${LL})`, "gu"), () => ".", /[\[({【]/],
  // ideographic full stop, middle dots, 点 between label characters
  [new RegExp(String.raw`(?<=${LL})\s*[。·・点]\s*(?=${LL})`, "gu"), () => ".", /[。·・点]/],
  // " dot " spelled out
  [new RegExp(String.raw`(?<=${LL})\s+dot\s+(?=${LL})`, "gu"), () => ".", /dot/],
  // two letters spaced out right after a dot: "example.c n"
  [new RegExp(String.raw`(?<=\.\s*)${LL}(?:[ \t]{1,2}${LL}(?!${LL}))+`, "gu"), (m) => m[0].replace(/[ \t]/g, ""), /\.\s*\S[ \t]{1,2}\S/],
  // a comma for a dot, right before a common TLD: "example,com"
  [new RegExp(String.raw`(?<=${LL})[,，](?=(?:${COMMON_TLD})(?!${LL}))`, "gu"), () => ".", /[,，]/],
  // spaces around a dot before a common TLD or after www: "example . com", "www. example"
  [new RegExp(String.raw`(?<=${LL})\s*\.\s*(?=(?:${COMMON_TLD})(?!${LL}))|(?<=www)\s*\.\s*(?=${LL})|(?<=${LL})\s+\.\s*(?=${LL})`, "gu"), () => ".", /\s\.|\.\s/],
];

const HAN_LABEL = String.raw`\p{Script=Han}+`;
const LATIN_LABEL = `${L}+`;
const HOST_ANY = `(?:${LATIN_LABEL}|${HAN_LABEL})(?:\\.(?:${LATIN_LABEL}|${HAN_LABEL}))*`;
const PATH = String.raw`(?:[/?#][!-~]*)?`;
const PORT = String.raw`(?::\d{1,5})?`;
const USERINFO = String.raw`(?:[\w.+\-%:~]+@)?`;
const SCHEME_URL = String.raw`(?:https?|ftp):\/\/${USERINFO}(?:\[[0-9a-f:.]+\]|${HOST_ANY})${PORT}${PATH}`;
const BARE = String.raw`(?<![\-_/@.:]|${LL})${USERINFO}(?:www\.(?:${HAN_LABEL}\.)+${HAN_LABEL}|(?:${LATIN_LABEL}\.)+${LATIN_LABEL})${PORT}${PATH}`;
const CANDIDATE = new RegExp(`(${SCHEME_URL})|${BARE}`, "gu");
const TRAILING = /[.,;:!?'"`)\]}>*\-_~]+$/;
/** Right before a bare IPv4 address, words that make it a version number instead. */
const DOTTED_QUAD = /^\d{1,3}(\.\d{1,3}){3}$/;
const VERSION_BEFORE = /(版本|版|version|ver\.?|v)\s*$/;

/** Folds the text and undoes the dot/scheme disguises, keeping the mapping to the original. */
export function unmaskForLinks(text: string): Mapped {
  let m = foldMapped(text);
  for (const [pattern, rep, needs] of REWRITES) if (needs.test(m.text)) m = replaceMapped(m, pattern, rep);
  return m;
}

export interface LinkOptions {
  /** Shortener list in force (operators edit it); default DEFAULT_SHORTENERS. */
  readonly shorteners?: readonly string[];
}

/**
 * Characters that can be part of no link (NO_LINK_CHAR, body-scan.ts), whatever the disguise: Han
 * characters, ASCII letters and digits, whitespace, ASCII punctuation, CJK and full-width
 * punctuation (not full-width letters or digits, nor invisible or look-alike characters: those
 * take the full path). In a text made only of these, the only label characters are ASCII letters,
 * digits and hyphens, and every link needs, whatever its disguise (REWRITES), one of
 * MAY_HOLD_LINK: a scheme's colon and slash ("h t t p : / /" included), a dot-like between label
 * characters (. 。｡． 点, spaces allowed: "example . com", "1。2。3。4"), "www" and a dot-like
 * (www.例子.中国), a bracketed or spelled dot, or a comma between a label and a TLD. Without any, the
 * text holds no link: the fast path of most messages ("快递单号SF1234567890。" has letters and a 。,
 * but no 。 between label characters). The body scan (body-scan.ts) rules most texts out before
 * this pattern runs.
 */
const MAY_HOLD_LINK = /[:：][\s*]{0,3}[\/／]|[a-z0-9-]\s*[.。｡．点]\s*[a-z0-9-]|www\s*[.。｡．点]|[a-z0-9]\s*[\[({【（]\s*(?:[.。｡．点]|dot)|dot|[a-z0-9][,，][a-z]/i;

function cannotHoldLink(text: string, scan: BodyScan): boolean {
  return scan.plainForLinks && (!scan.mayHoldLink || !MAY_HOLD_LINK.test(text));
}

/** `scan`: scanBody(text), when the caller has it already (decide() scans each body once). */
export function extractLinks(text: string, options: LinkOptions = {}, scan: BodyScan = scanBody(text)): ExtractedLink[] {
  if (cannotHoldLink(text, scan)) return [];
  const m = unmaskForLinks(text);
  const out: ExtractedLink[] = [];
  CANDIDATE.lastIndex = 0;
  for (let match = CANDIDATE.exec(m.text); match !== null; match = CANDIDATE.exec(m.text)) {
    const candidate = match[0].replace(TRAILING, "");
    const versionLike = VERSION_BEFORE.test(m.text.slice(Math.max(0, match.index - 8), match.index));
    const link = judge(candidate, match[1] !== undefined, versionLike, options);
    if (link === null) continue;
    out.push({ raw: rawSlice(m, match.index, match.index + candidate.length), ...link });
  }
  return out;
}

function hostAsWritten(candidate: string): string {
  const afterScheme = candidate.replace(/^[a-z]+:\/\//, "");
  const hostAndPort = afterScheme.split(/[/?#]/)[0]!;
  return hostAndPort.slice(hostAndPort.lastIndexOf("@") + 1).replace(/:\d*$/, "");
}

/**
 * A host the URL parser would hand back unchanged: lower-case ASCII labels, the last one starting
 * with a letter (so no IPv4 form, dotted, decimal or 0x, can be read into it).
 */
const PLAIN_HOST = /^(?:[a-z0-9-]+\.)+[a-z][a-z0-9-]*$/;

/** The host a browser resolves; the WHATWG URL parser unless the host is plainly written. */
function browserHost(candidate: string, hasScheme: boolean): string {
  // Userinfo, percent-escapes and backslashes are where parser and eye disagree: always parse those.
  if (!/[@%\\]/.test(candidate)) {
    const written = hostAsWritten(candidate);
    if (PLAIN_HOST.test(written)) return written;
  }
  try {
    return new URL(hasScheme ? candidate : `http://${candidate}`).hostname;
  } catch {
    // A browser would refuse it, but a messaging app may still show it as a link: report the host
    // as written, which matches no approved domain.
    return hostAsWritten(candidate);
  }
}

/** tldts results of recent hosts: a pure function of the host, and a message's hosts repeat across messages. */
const PARSED = new Map<string, ReturnType<typeof parse>>();
function parseHost(host: string): ReturnType<typeof parse> {
  let parsed = PARSED.get(host);
  if (parsed === undefined) {
    if (PARSED.size >= 4096) PARSED.clear();
    // Private suffixes count (github.io, blogspot.com, vercel.app…): their subdomains have
    // different owners, so approving one site there must not approve all of them.
    PARSED.set(host, (parsed = parse(host, { allowPrivateDomains: true })));
  }
  return parsed;
}

function judge(candidate: string, hasScheme: boolean, versionLike: boolean, options: LinkOptions): Omit<ExtractedLink, "raw"> | null {
  const host = browserHost(candidate, hasScheme).replace(/^\[|\]$/g, "").replace(/\.$/, "");
  if (host === "") return null;
  const parsed = parseHost(host);
  let registrableDomain: string;
  if (parsed.isIp) {
    // Without a scheme only a written dotted quad counts: the URL parser reads 3.5 as 3.0.0.5.
    if (!hasScheme && (versionLike || !DOTTED_QUAD.test(hostAsWritten(candidate)))) return null;
    registrableDomain = host;
  } else {
    if (!hasScheme && parsed.isIcann !== true && parsed.isPrivate !== true) return null;
    registrableDomain = parsed.domain ?? host;
  }
  const shortener = isShortener(host, options.shorteners) || (registrableDomain !== host && isShortener(registrableDomain, options.shorteners));
  return shortener ? { host, registrableDomain, shortener: true } : { host, registrableDomain };
}
