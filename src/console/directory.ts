/**
 * Names for the ids the journal and the lists carry (SP names, port numbers, enterprise names,
 * signature texts), read through the services so each actor sees only what it may. The console
 * is a review tool for a registry of hundreds, not millions, of rows: up to DIRECTORY_LIMIT of each.
 */
import type { ServiceContext } from "../context.ts";
import { listEnterprises } from "../enterprises/enterprises.service.ts";
import { listPorts } from "../ports/ports.service.ts";
import { listServiceProviders } from "../service-providers/service-providers.service.ts";
import { listSignatures } from "../signatures/signatures.service.ts";

export const DIRECTORY_LIMIT = 500;

export interface Directory {
  sps: Map<string, string>;
  ports: Map<string, { number: string; spId: string }>;
  enterprises: Map<string, string>;
  signatures: Map<string, { text: string; spId: string; enterpriseId: string }>;
}

export async function loadDirectory(ctx: ServiceContext): Promise<Directory> {
  const page = { limit: DIRECTORY_LIMIT };
  const [sps, ports, enterprises, signatures] = await Promise.all([
    listServiceProviders(ctx, {}, page),
    listPorts(ctx, {}, page),
    listEnterprises(ctx, {}, page),
    listSignatures(ctx, {}, page),
  ]);
  return {
    sps: new Map(sps.map((row) => [row.id, row.name])),
    ports: new Map(ports.map((row) => [row.id, { number: row.number, spId: row.spId }])),
    enterprises: new Map(enterprises.map((row) => [row.id, row.name])),
    signatures: new Map(signatures.map((row) => [row.id, { text: row.text, spId: row.spId, enterpriseId: row.enterpriseId }])),
  };
}

/** Options for a filter <select>: [id, label], sorted by label. */
export function options(entries: Iterable<[string, string]>): [string, string][] {
  return [...entries].sort((a, b) => a[1].localeCompare(b[1], "zh-CN"));
}

export const spName = (directory: Directory, id: string | null | undefined) => (id ? (directory.sps.get(id) ?? id) : "");
export const portNumber = (directory: Directory, id: string | null | undefined) => (id ? (directory.ports.get(id)?.number ?? id) : "");
export const enterpriseName = (directory: Directory, id: string | null | undefined) => (id ? (directory.enterprises.get(id) ?? id) : "");
export const signatureText = (directory: Directory, id: string | null | undefined) => (id ? (directory.signatures.get(id)?.text ?? id) : "");
