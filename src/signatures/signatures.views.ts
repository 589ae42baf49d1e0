import { inArray } from "drizzle-orm";
import { signaturePorts, signatures } from "../db/schema/index.ts";
import type { Executor } from "../db/client.ts";
import type { SignatureStatus } from "./signatures.lifecycle.ts";
import type { Binding, Grant } from "./signatures.rules.ts";

/** The signature row and the shape the API, the console and the audit trail show of it. */
export type SignatureRow = typeof signatures.$inferSelect;

/** A signature as the API shows it: evidence grouped, with the ports it may be sent from. */
export interface Signature {
  id: string;
  text: string;
  enterpriseId: string;
  spId: string;
  status: SignatureStatus;
  statusReason: string | null;
  scope: SignatureRow["scope"];
  evidence: { kind: NonNullable<SignatureRow["evidenceKind"]>; reference: string; expiresOn: string | null } | null;
  ports: Binding[];
  expiresAt: Date | null;
  approvedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export function toView(row: SignatureRow, bindings: Binding[]): Signature {
  return {
    id: row.id,
    text: row.text,
    enterpriseId: row.enterpriseId,
    spId: row.spId,
    status: row.status,
    statusReason: row.statusReason,
    scope: row.scope,
    evidence: row.evidenceKind && row.evidenceReference ? { kind: row.evidenceKind, reference: row.evidenceReference, expiresOn: row.evidenceExpiresOn } : null,
    ports: [...bindings].sort((a, b) => a.portId.localeCompare(b.portId) || a.extension.localeCompare(b.extension)),
    expiresAt: row.expiresAt,
    approvedAt: row.approvedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export async function bindingsOf(db: Executor, ids: string[]): Promise<Map<string, Binding[]>> {
  const out = new Map<string, Binding[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return out;
  const rows = await db.select().from(signaturePorts).where(inArray(signaturePorts.signatureId, ids));
  for (const row of rows) out.get(row.signatureId)?.push({ portId: row.portId, extension: row.extension });
  return out;
}

/** The ports one signature may be sent from. */
export async function bindingsOfOne(db: Executor, id: string): Promise<Binding[]> {
  return (await bindingsOf(db, [id])).get(id) ?? [];
}

export async function viewOf(db: Executor, row: SignatureRow): Promise<Signature> {
  return toView(row, await bindingsOfOne(db, row.id));
}

export function grantOf(row: SignatureRow, bindings: Binding[]): Grant {
  return {
    scope: row.scope,
    bindings,
    evidence: { kind: row.evidenceKind, reference: row.evidenceReference, expiresOn: row.evidenceExpiresOn },
    expiresAt: row.expiresAt,
  };
}

