import { and, inArray } from "drizzle-orm";
import type { Executor } from "../db/client.ts";
import { portExtensions, ports, signatures } from "../db/schema/index.ts";
import { signatureSkeleton } from "../policy/skeleton.ts";
import { chinaDate } from "../enterprises/enterprise-scope.ts";
import { ServiceError, invalid, type FieldError } from "../lib/errors.ts";
import type { EvidenceInput, SignatureBindingInput } from "./signatures.schemas.ts";

/**
 * The checks a signature's ports, evidence and dates must pass, shared by filing and editing.
 * Kept apart from the service so the transaction code reads as a sequence of steps.
 */

export interface Binding {
  portId: string;
  extension: string;
}

const bindingKey = (binding: Binding) => `${binding.portId}|${binding.extension}`;

/**
 * Every port must belong to the filing SP (and not be revoked); every non-empty extension must be
 * assigned to the signature's enterprise on that port (port_extensions). A port the SP does not
 * own gets the same answer as one that does not exist, so SPs cannot probe other SPs' ports.
 */
export async function checkBindings(db: Executor, spId: string, enterpriseId: string, bindings: readonly SignatureBindingInput[]): Promise<Binding[]> {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  bindings.forEach((binding, index) => {
    if (seen.has(bindingKey(binding))) errors.push({ path: `ports.${index}`, message: "is listed twice" });
    seen.add(bindingKey(binding));
  });
  const portIds = [...new Set(bindings.map((binding) => binding.portId))];
  const portRows = portIds.length
    ? await db.select({ id: ports.id, spId: ports.spId, status: ports.status }).from(ports).where(inArray(ports.id, portIds))
    : [];
  const portsById = new Map(portRows.map((row) => [row.id, row]));
  const wantedExtensions = bindings.filter((binding) => binding.extension !== "");
  const extensionRows = wantedExtensions.length
    ? await db
        .select({ portId: portExtensions.portId, extension: portExtensions.extension, enterpriseId: portExtensions.enterpriseId })
        .from(portExtensions)
        .where(and(inArray(portExtensions.portId, portIds), inArray(portExtensions.extension, wantedExtensions.map((binding) => binding.extension))))
    : [];
  const extensionOwner = new Map(extensionRows.map((row) => [bindingKey(row), row.enterpriseId]));
  bindings.forEach((binding, index) => {
    const port = portsById.get(binding.portId);
    if (!port || port.spId !== spId) {
      errors.push({ path: `ports.${index}.portId`, message: "is not a port of the filing SP" });
      return;
    }
    if (port.status === "revoked") {
      errors.push({ path: `ports.${index}.portId`, message: "is revoked" });
      return;
    }
    if (binding.extension !== "" && extensionOwner.get(bindingKey(binding)) !== enterpriseId) {
      errors.push({ path: `ports.${index}.extension`, message: "is not assigned to this enterprise on that port" });
    }
  });
  if (errors.length) throw new ServiceError("VALIDATION_FAILED", errors.map((e) => `${e.path}: ${e.message}`).join("; "), errors);
  return bindings.map((binding) => ({ portId: binding.portId, extension: binding.extension }));
}

export function checkEvidenceDate(evidence: EvidenceInput | undefined, now: Date): void {
  if (evidence?.expiresOn && evidence.expiresOn < chinaDate(now)) throw invalid("evidence.expiresOn", "the evidence has expired");
}

export function checkExpiry(expiresAt: Date | null | undefined, now: Date): void {
  if (expiresAt && expiresAt.getTime() <= now.getTime()) throw invalid("expiresAt", "must be in the future");
}

type SignatureRow = typeof signatures.$inferSelect;

/** Evidence kinds that back a signature text which is not part of the enterprise's name. */
export const BRAND_EVIDENCE: readonly string[] = ["trademark", "app", "website"];

/**
 * The MIIT real-name rule for signatures (签名实名制): the text is contained in the enterprise's
 * name (compared on the confusable skeleton, so width, case, traditional characters and separators
 * do not matter: 【云端科技】 for 云端科技有限公司), or it is backed by trademark, app or website
 * evidence. Otherwise 422 naming the rule.
 */
export function checkRealName(text: string, enterpriseName: string, evidenceKind: string | null | undefined): void {
  if (signatureSkeleton(enterpriseName).includes(signatureSkeleton(text))) return;
  if (evidenceKind && BRAND_EVIDENCE.includes(evidenceKind)) return;
  throw invalid(
    "text",
    `real-name rule (签名实名制): 【${text}】 is not part of the enterprise's name 「${enterpriseName}」; file trademark, app or website evidence for it`,
  );
}

/** What an operator checks before approving (or reinstating): evidence on file and current, scope, dates. */
export function checkApprovable(row: SignatureRow, now: Date): void {
  if (!row.evidenceKind || !row.evidenceReference) throw invalid("evidence", "is required before a signature can be approved");
  if (row.evidenceExpiresOn && row.evidenceExpiresOn < chinaDate(now)) throw invalid("evidence.expiresOn", "the evidence has expired");
  if (row.scope.length === 0) throw invalid("scope", "must name at least one category before approval");
  if (row.expiresAt && row.expiresAt.getTime() <= now.getTime()) throw invalid("expiresAt", "the signature has expired");
}

export interface Grant {
  scope: readonly string[];
  bindings: readonly Binding[];
  evidence: { kind: string | null; reference: string | null; expiresOn: string | null };
  expiresAt: Date | null;
}

/**
 * True when `next` allows something `previous` did not, so an approved signature must be approved
 * again: a new category, a port/extension not covered before (a bare-port binding covers every
 * extension of that port), different evidence, or a later (or removed) expiry. Narrowing is not.
 */
export function widens(previous: Grant, next: Grant): boolean {
  if (next.scope.some((category) => !previous.scope.includes(category))) return true;
  const covered = (binding: Binding) =>
    previous.bindings.some((old) => old.portId === binding.portId && (old.extension === binding.extension || old.extension === ""));
  if (!next.bindings.every(covered)) return true;
  const { evidence: a } = previous;
  const { evidence: b } = next;
  if (a.kind !== b.kind || a.reference !== b.reference || a.expiresOn !== b.expiresOn) return true;
  if (previous.expiresAt && (!next.expiresAt || next.expiresAt.getTime() > previous.expiresAt.getTime())) return true;
  return false;
}

export function sameGrant(a: Grant, b: Grant): boolean {
  const keys = (bindings: readonly Binding[]) => bindings.map(bindingKey).sort().join(",");
  return (
    a.scope.join(",") === b.scope.join(",") &&
    keys(a.bindings) === keys(b.bindings) &&
    a.evidence.kind === b.evidence.kind &&
    a.evidence.reference === b.evidence.reference &&
    a.evidence.expiresOn === b.evidence.expiresOn &&
    (a.expiresAt?.getTime() ?? null) === (b.expiresAt?.getTime() ?? null)
  );
}
