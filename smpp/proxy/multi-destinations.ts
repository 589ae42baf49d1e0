import { normaliseMsisdn } from "../../src/lib/pii.ts";
import { commandStatusFor } from "../../src/policy/reasons.ts";
import { CommandStatus } from "../wire/commands.ts";
import type { Pdu, UnsuccessSme } from "../wire/pdu.ts";

import { VALID_DESTINATION } from "../../src/gateway/text-refusal.ts";

/**
 * submit_multi's destinations worth judging. A number named twice (in any of its written forms)
 * would be judged twice against the same daily-cap count and sent twice: only its first
 * occurrence goes on. Invalid numbers are refused per destination, like a submit_sm's;
 * distribution lists are refused. Refused ones are pushed to `unsuccess`.
 */
export function multiDestinations(destinations: Pdu<"submit_multi">["body"]["destinations"], unsuccess: UnsuccessSme[]) {
  const seen = new Set<string>();
  const invalid: string[] = [];
  const valid = destinations.filter((d) => {
    if (d.kind !== "sme") {
      unsuccess.push({ ton: 0, npi: 0, address: d.name, errorStatusCode: CommandStatus.ESME_RINVDSTADR });
      return false;
    }
    const number = VALID_DESTINATION.test(d.address) ? normaliseMsisdn(d.address) : undefined;
    if (number === undefined || seen.has(number)) {
      invalid.push(d.address);
      unsuccess.push({ ton: d.ton, npi: d.npi, address: d.address, errorStatusCode: commandStatusFor("invalid_destination") });
      return false;
    }
    seen.add(number);
    return true;
  }) as { kind: "sme"; ton: number; npi: number; address: string }[];
  return { valid, invalid };
}
