/** The CMPP listener's configuration: off unless CMPP_PORT is set, and then it needs its gateway code and SECRETS_KEY. */
import { expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../src/config.ts";

const key = "ab".repeat(32);

it("is off by default", () => {
  expect(parseConfig({}).CMPP_PORT).toBeUndefined();
});

it("refuses CMPP_PORT without CMPP_GATEWAY_CODE or SECRETS_KEY, and a malformed key", () => {
  expect(() => parseConfig({ CMPP_PORT: "7890", SECRETS_KEY: key })).toThrow(/CMPP_GATEWAY_CODE/);
  expect(() => parseConfig({ CMPP_PORT: "7890", CMPP_GATEWAY_CODE: "1" })).toThrow(/SECRETS_KEY/);
  expect(() => parseConfig({ SECRETS_KEY: "short" })).toThrow(ConfigError);
  expect(() => parseConfig({ CMPP_PORT: "7890", CMPP_GATEWAY_CODE: "4194304", SECRETS_KEY: key })).toThrow(/CMPP_GATEWAY_CODE/);
  expect(() => parseConfig({ SECRETS_KEY_PREVIOUS: key })).toThrow(/SECRETS_KEY/);
  expect(parseConfig({ CMPP_PORT: "7890", CMPP_GATEWAY_CODE: "4194303", SECRETS_KEY: key }).CMPP_GATEWAY_CODE).toBe(4194303);
});
