/**
 * IPv4/IPv6 addresses and CIDR blocks for bind-account allow-lists. Pure: no I/O, no DNS.
 *
 * Matching treats an IPv4-mapped IPv6 address (::ffff:127.0.0.1, what a dual-stack socket
 * reports for an IPv4 peer) as the IPv4 address it carries, and vice versa, so an allow-list
 * written in either form admits the peer however the listener sees it.
 */

export interface ParsedAddress {
  family: 4 | 6;
  value: bigint;
}

export interface Cidr {
  family: 4 | 6;
  /** The network address (host bits are zero). */
  network: bigint;
  prefix: number;
}

export type CidrParseResult = { ok: true; cidr: Cidr } | { ok: false; reason: string };

const V4_BITS = 32;
const V6_BITS = 128;
const MAPPED_PREFIX = 0xffffn << 32n;

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    // No leading zeros: "010" is octal to some parsers and decimal to others.
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  const doubleColon = text.indexOf("::");
  if (doubleColon !== text.lastIndexOf("::")) return undefined;
  const groupsOf = (part: string): string[] => (part === "" ? [] : part.split(":"));
  let head: string[];
  let tail: string[];
  if (doubleColon >= 0) {
    head = groupsOf(text.slice(0, doubleColon));
    tail = groupsOf(text.slice(doubleColon + 2));
  } else {
    head = groupsOf(text);
    tail = [];
  }
  // An embedded IPv4 address may end the text (::ffff:192.0.2.1); it stands for two groups.
  const words: bigint[] = [];
  const toWords = (groups: string[], allowTrailingV4: boolean): bigint[] | undefined => {
    const out: bigint[] = [];
    for (let i = 0; i < groups.length; i++) {
      const group = groups[i]!;
      if (allowTrailingV4 && i === groups.length - 1 && group.includes(".")) {
        const v4 = parseIpv4(group);
        if (v4 === undefined) return undefined;
        out.push(v4 >> 16n, v4 & 0xffffn);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
        out.push(BigInt(parseInt(group, 16)));
      }
    }
    return out;
  };
  const headWords = toWords(head, doubleColon < 0);
  const tailWords = toWords(tail, true);
  if (!headWords || !tailWords) return undefined;
  if (doubleColon >= 0) {
    const missing = 8 - headWords.length - tailWords.length;
    if (missing < 1) return undefined;
    words.push(...headWords, ...Array<bigint>(missing).fill(0n), ...tailWords);
  } else {
    if (headWords.length !== 8) return undefined;
    words.push(...headWords);
  }
  return words.reduce((acc, word) => (acc << 16n) | word, 0n);
}

/** Parses a bare IPv4 or IPv6 address. A zone (fe80::1%eth0), as sockets report it, is ignored. */
export function parseAddress(text: string): ParsedAddress | undefined {
  const trimmed = text.trim();
  if (trimmed.includes(":")) {
    const withoutZone = trimmed.replace(/%[0-9A-Za-z_.-]+$/, "");
    const unbracketed = withoutZone.startsWith("[") && withoutZone.endsWith("]") ? withoutZone.slice(1, -1) : withoutZone;
    const value = parseIpv6(unbracketed);
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseIpv4(trimmed);
  return value === undefined ? undefined : { family: 4, value };
}

function mask(bits: number, prefix: number): bigint {
  if (prefix === 0) return 0n;
  const all = (1n << BigInt(bits)) - 1n;
  return (all >> BigInt(bits - prefix)) << BigInt(bits - prefix);
}

/**
 * Parses "a.b.c.d/n", "x::y/n" or a bare address (a /32 or /128). Host bits must be zero:
 * "10.0.0.1/8" is refused as a likely typo rather than silently widened.
 */
export function parseCidrDetailed(text: string): CidrParseResult {
  const trimmed = text.trim();
  if (trimmed.length === 0 || trimmed.length > 64) return { ok: false, reason: "is empty or too long" };
  if (trimmed.includes("%")) return { ok: false, reason: "must not carry an interface zone" };
  const slash = trimmed.indexOf("/");
  const addressText = slash >= 0 ? trimmed.slice(0, slash) : trimmed;
  const address = parseAddress(addressText);
  if (!address) return { ok: false, reason: `'${addressText}' is not an IPv4 or IPv6 address` };
  const bits = address.family === 4 ? V4_BITS : V6_BITS;
  let prefix = bits;
  if (slash >= 0) {
    const prefixText = trimmed.slice(slash + 1);
    if (!/^(0|[1-9]\d{0,2})$/.test(prefixText) || Number(prefixText) > bits) {
      return { ok: false, reason: `prefix length must be 0-${bits}` };
    }
    prefix = Number(prefixText);
  }
  const network = address.value & mask(bits, prefix);
  if (network !== address.value) return { ok: false, reason: `has host bits set beyond /${prefix}` };
  return { ok: true, cidr: { family: address.family, network, prefix } };
}

export function parseCidr(text: string): Cidr | undefined {
  const result = parseCidrDetailed(text);
  return result.ok ? result.cidr : undefined;
}

function contains(cidr: Cidr, family: 4 | 6, value: bigint): boolean {
  if (cidr.family !== family) return false;
  const bits = family === 4 ? V4_BITS : V6_BITS;
  return (value & mask(bits, cidr.prefix)) === cidr.network;
}

/** Whether `address` lies in any of `cidrs` (strings are parsed; unparseable entries never match). */
export function addressInCidrs(address: string, cidrs: readonly (string | Cidr)[]): boolean {
  const parsed = parseAddress(address);
  if (!parsed) return false;
  // The forms to try: the address itself, and its IPv4 / IPv4-mapped IPv6 twin.
  const forms: ParsedAddress[] = [parsed];
  if (parsed.family === 6 && parsed.value >> 32n === 0xffffn) forms.push({ family: 4, value: parsed.value & 0xffffffffn });
  if (parsed.family === 4) forms.push({ family: 6, value: MAPPED_PREFIX | parsed.value });
  for (const entry of cidrs) {
    const cidr = typeof entry === "string" ? parseCidr(entry) : entry;
    if (!cidr) continue;
    if (forms.some((form) => contains(cidr, form.family, form.value))) return true;
  }
  return false;
}

/** The bind-account rule: an empty allow-list admits any address. */
export function isAddressAllowed(address: string, allowed: readonly (string | Cidr)[]): boolean {
  return allowed.length === 0 || addressInCidrs(address, allowed);
}
