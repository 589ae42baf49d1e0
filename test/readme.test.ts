import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { configSchema, parseConfig } from "../src/config.ts";
import { reasons } from "../src/policy/reasons.ts";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

describe("the README stays true", () => {
  it("lists every rejection reason with its command_status and retryability", () => {
    for (const [code, reason] of Object.entries(reasons)) {
      const hex = `0x${reason.commandStatus.toString(16).toUpperCase().padStart(8, "0")}`;
      const row = readme.split("\n").find((line) => line.startsWith(`| \`${code}\` |`));
      expect(row, `README row for ${code}`).toBeDefined();
      expect(row).toContain(`| ${hex} | ${reason.retryable ? "yes" : "no"} |`);
    }
  });

  it("documents every environment variable", () => {
    for (const name of Object.keys(configSchema.shape)) expect(readme, name).toContain(`\`${name}\``);
    expect(parseConfig({})).toMatchObject({ HTTP_PORT: 8080, SMPP_PORT: 2775, DATA_DIR: "./data" });
  });
});
