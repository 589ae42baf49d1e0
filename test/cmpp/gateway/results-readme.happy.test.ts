/** The README's CMPP Result table is the code's: one row per reason of the closed list, with the Result results.ts gives it. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { CONNECT_STATUS, submitResultFor } from "../../../cmpp/gateway/results.ts";
import { reasons, type BindReasonCode, type ReasonCode } from "../../../src/policy/reasons.ts";

const readme = readFileSync(join(import.meta.dirname, "../../../README.md"), "utf8");
const hex = (n: number) => `0x${n.toString(16).toUpperCase().padStart(8, "0")}`;

it("lists every reason with its SMPP command_status and its CMPP Result or CONNECT Status", () => {
  const section = readme.slice(readme.indexOf("## Connecting over CMPP"));
  for (const [code, reason] of Object.entries(reasons)) {
    const cmpp = code.startsWith("bind_") ? `CONNECT Status ${CONNECT_STATUS[code as BindReasonCode]}` : String(submitResultFor(code as ReasonCode));
    expect(section, code).toContain(`| \`${code}\` | ${hex(reason.commandStatus)} | ${cmpp} |`);
  }
});
