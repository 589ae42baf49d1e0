import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { configSchema, parseConfig } from "../src/config.ts";
import { reasons } from "../src/policy/reasons.ts";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

describe("the README stays true", () => {
  it("lists every rejection reason with its command_status and retryability", () => {
    for (const [code, reason] of Object.entries(reasons)) {
      const hex = `0x${reason.commandStatus.toString(16).toUpperCase().padStart(8, "0")}`;
      // The reasons table's row (the CMPP Result table also starts its rows with the code).
      const rows = readme.split("\n").filter((line) => line.startsWith(`| \`${code}\` |`));
      expect(rows.length, `README row for ${code}`).toBeGreaterThan(0);
      expect(rows.some((row) => row.includes(`| ${hex} | ${reason.retryable ? "yes" : "no"} |`)), `README reasons row for ${code}: | ${hex} | ${reason.retryable ? "yes" : "no"} |`).toBe(true);
    }
  });

  it("documents every environment variable", () => {
    for (const name of Object.keys(configSchema.shape)) expect(readme, name).toContain(`\`${name}\``);
    expect(parseConfig({})).toMatchObject({ HTTP_PORT: 8080, SMPP_PORT: 2775, DATA_DIR: "./data" });
  });
});
