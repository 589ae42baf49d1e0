/**
 * smpp://system_id:password@host:port[?binds=2&window=100&system_type=X&mode=transceiver]
 * smpps:// (or ssmpp://, node-smpp's spelling) for TLS. Credentials may be percent-encoded.
 */
import type { BindMode } from "../wire/pdu.ts";

export interface SmppUrl {
  tls: boolean;
  host: string;
  port: number;
  systemId: string;
  password: string;
  systemType?: string;
  mode?: BindMode;
  binds?: number;
  window?: number;
}

export function parseSmppUrl(text: string): SmppUrl {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TypeError(`not an smpp URL: ${redact(text)}`);
  }
  const scheme = url.protocol.replace(/:$/, "");
  if (scheme !== "smpp" && scheme !== "smpps" && scheme !== "ssmpp") throw new TypeError(`unsupported scheme "${scheme}" (smpp:// or smpps://)`);
  const tls = scheme !== "smpp";
  const port = url.port ? Number(url.port) : tls ? 3550 : 2775;
  const q = url.searchParams;
  const mode = q.get("mode");
  if (mode !== null && mode !== "transmitter" && mode !== "receiver" && mode !== "transceiver") throw new TypeError(`bad mode "${mode}"`);
  const positive = (name: string) => {
    const value = q.get(name);
    if (value === null) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new TypeError(`${name} must be a positive integer`);
    return n;
  };
  const binds = positive("binds");
  const window = positive("window");
  const systemType = q.get("system_type");
  return {
    tls, host: url.hostname.replace(/^\[|\]$/g, ""), port,
    systemId: decodeURIComponent(url.username), password: decodeURIComponent(url.password),
    ...(systemType !== null && { systemType }),
    ...(mode !== null && { mode }),
    ...(binds !== undefined && { binds }),
    ...(window !== undefined && { window }),
  };
}

/** The URL with its password masked, for logs. */
export function redact(text: string): string {
  return text.replace(/(\/\/[^:/@]*:)[^@]*@/, "$1***@");
}
