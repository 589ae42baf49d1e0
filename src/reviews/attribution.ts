/**
 * Complaint attribution, as pure functions: which port, extension, SP, signature and enterprise
 * most likely sent the message a recipient complained about, and how sure we are. The service
 * (src/complaints/complaints.service.ts) gathers the facts from the database; these functions
 * only weigh them, so every confidence case is a plain unit test.
 */
import { extractSignature } from "../policy/signature.ts";

export type Confidence = "high" | "medium" | "low" | "none";

export interface PortFact {
  id: string;
  number: string;
  spId: string;
}

export interface ExtensionFact {
  extension: string;
  enterpriseId: string;
}

export interface SignatureFact {
  id: string;
  text: string;
  enterpriseId: string;
  spId: string;
  /** Ports the signature is bound to (signature_ports). */
  portIds: string[];
}

/** The sending number resolved against the ports table: the longest port number that prefixes it. */
export function resolvePort<P extends { number: string }>(sendingNumber: string, ports: readonly P[]): { port: P; extension: string } | undefined {
  const digits = normaliseSendingNumber(sendingNumber);
  let best: P | undefined;
  for (const port of ports) {
    if (digits.startsWith(port.number) && (!best || port.number.length > best.number.length)) best = port;
  }
  return best ? { port: best, extension: digits.slice(best.number.length) } : undefined;
}

/** Digits only; a leading +86 / 0086 country code some handsets show is dropped. */
export function normaliseSendingNumber(input: string): string {
  let digits = input.replace(/\D/g, "");
  if (digits.startsWith("0086")) digits = digits.slice(4);
  else if (digits.startsWith("86106")) digits = digits.slice(2);
  return digits;
}

/** The normalised signature text in a complaint's message, if it carries exactly one. */
export function signatureTextOf(message: string): string | undefined {
  const extraction = extractSignature(message);
  return extraction.ok ? extraction.text : undefined;
}

export interface AttributionFacts {
  port?: PortFact;
  /** The digits after the port number ('' for the bare port). */
  extension?: string;
  /** The extension's assignment, when those digits are an assigned extension. */
  assignedExtension?: ExtensionFact;
  /** Normalised text found in the message (whether registered or not). */
  signatureText?: string;
  signature?: SignatureFact;
  /** Journal rows with this recipient and port near the complaint. */
  matchedRejections: number;
  /** traffic_daily accepted messages for the port and signature around the complaint's day. */
  matchedAccepted: number;
}

export interface Attribution {
  portId: string | null;
  extension: string | null;
  spId: string | null;
  extensionEnterpriseId: string | null;
  signatureId: string | null;
  signatureText: string | null;
  enterpriseId: string | null;
  confidence: Confidence;
  /** Why, in stable snake_case codes (the console translates them). */
  reasons: string[];
}

/**
 * Weighs the facts:
 * - high: port and signature both found and they agree (the signature is bound to the port or
 *   filed by the port's owner, and an assigned extension belongs to the signature's enterprise),
 *   and journaled traffic backs it up;
 * - medium: port and signature agree without traffic, or only one of them is found but traffic
 *   matches it;
 * - low: only one of them, with no traffic; or both found but they disagree (a sublet suspect:
 *   the SP is the port's owner, the enterprise the signature's);
 * - none: neither.
 * The SP is the port's owner when the port is known (whoever owns the number answers for what was
 * sent from it), otherwise the signature's filing SP. The enterprise is the signature's when known,
 * otherwise the extension's.
 */
export function attribute(facts: AttributionFacts): Attribution {
  const reasons: string[] = [];
  const { port, signature, assignedExtension } = facts;
  if (port) reasons.push("port_matched");
  else reasons.push("port_unknown");
  if (port && facts.extension) reasons.push(assignedExtension ? "extension_assigned" : "extension_unassigned");
  if (signature) reasons.push("signature_matched");
  else if (facts.signatureText) reasons.push("signature_unregistered");
  else reasons.push("signature_missing");

  let agree = false;
  if (port && signature) {
    const bound = signature.portIds.includes(port.id) || signature.spId === port.spId;
    const extensionAgrees = !assignedExtension || assignedExtension.enterpriseId === signature.enterpriseId;
    agree = bound && extensionAgrees;
    if (!bound) reasons.push("signature_not_bound_to_port");
    if (!extensionAgrees) reasons.push("extension_enterprise_differs");
    if (agree) reasons.push("port_signature_agree");
  }
  const traffic = facts.matchedRejections > 0 || facts.matchedAccepted > 0;
  if (facts.matchedRejections > 0) reasons.push("journal_recipient_matched");
  if (facts.matchedAccepted > 0) reasons.push("traffic_matched");
  if (!traffic && (port || signature)) reasons.push("no_traffic_found");

  let confidence: Confidence;
  if (!port && !signature) confidence = "none";
  else if (port && signature && agree) confidence = traffic ? "high" : "medium";
  else if (port && signature) confidence = "low";
  else confidence = traffic ? "medium" : "low";

  return {
    portId: port?.id ?? null,
    extension: port ? (facts.extension ?? "") : null,
    spId: port?.spId ?? signature?.spId ?? null,
    extensionEnterpriseId: assignedExtension?.enterpriseId ?? null,
    signatureId: signature?.id ?? null,
    signatureText: signature?.text ?? facts.signatureText ?? null,
    enterpriseId: signature?.enterpriseId ?? assignedExtension?.enterpriseId ?? null,
    confidence,
    reasons,
  };
}
