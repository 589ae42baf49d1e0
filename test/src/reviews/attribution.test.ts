import { describe, expect, it } from "vitest";
import { attribute, normaliseSendingNumber, resolvePort, signatureTextOf, type AttributionFacts } from "../../../src/reviews/attribution.ts";

const portA = { id: "port-a", number: "10690001", spId: "sp-a" };
const portLong = { id: "port-long", number: "1069000123", spId: "sp-b" };
const signature = { id: "sig", text: "云端优选", enterpriseId: "ent-a", spId: "sp-a", portIds: ["port-a"] };
const base: AttributionFacts = { matchedRejections: 0, matchedAccepted: 0 };

describe("resolvePort", () => {
  it("takes the longest port number that prefixes the sending number, the rest is the extension", () => {
    expect(resolvePort("106900012345", [portA, portLong])).toEqual({ port: portLong, extension: "45" });
    expect(resolvePort("10690001", [portA, portLong])).toEqual({ port: portA, extension: "" });
    expect(resolvePort("10690009", [portA, portLong])).toBeUndefined();
  });

  it("reads the number as handsets show it (+86, spaces)", () => {
    expect(normaliseSendingNumber("+86 1069 0001 01")).toBe("1069000101");
    expect(normaliseSendingNumber("0086106900010")).toBe("106900010");
  });

  it("finds the signature text in the quoted message, normalised", () => {
    expect(signatureTextOf("【 云端 优选 】双11大促 回T退订")).toBe("云端优选");
    expect(signatureTextOf("没有签名的短信")).toBeUndefined();
  });
});

describe("attribute", () => {
  it("is high when port and signature agree and traffic backs them", () => {
    const result = attribute({ ...base, port: portA, extension: "01", assignedExtension: { extension: "01", enterpriseId: "ent-a" }, signatureText: "云端优选", signature, matchedRejections: 1 });
    expect(result).toMatchObject({ confidence: "high", portId: "port-a", spId: "sp-a", signatureId: "sig", enterpriseId: "ent-a", extension: "01", extensionEnterpriseId: "ent-a" });
    expect(result.reasons).toEqual(expect.arrayContaining(["port_matched", "extension_assigned", "signature_matched", "port_signature_agree", "journal_recipient_matched"]));
  });

  it("is medium when they agree without traffic, or when one is found and traffic matches it", () => {
    expect(attribute({ ...base, port: portA, extension: "", signatureText: "云端优选", signature }).confidence).toBe("medium");
    expect(attribute({ ...base, port: portA, extension: "", matchedAccepted: 500 }).confidence).toBe("medium");
  });

  it("is low when only one is found without traffic, or when port and signature disagree (a sublet suspect)", () => {
    expect(attribute({ ...base, port: portA, extension: "", signatureText: "无名签名" }).confidence).toBe("low");
    expect(attribute({ ...base, signatureText: "云端优选", signature }).confidence).toBe("low");
    const sublet = attribute({ ...base, port: portLong, extension: "", signatureText: "云端优选", signature, matchedAccepted: 10 });
    expect(sublet).toMatchObject({ confidence: "low", spId: "sp-b", enterpriseId: "ent-a" });
    expect(sublet.reasons).toContain("signature_not_bound_to_port");
    const otherExtension = attribute({ ...base, port: portA, extension: "02", assignedExtension: { extension: "02", enterpriseId: "ent-z" }, signatureText: "云端优选", signature });
    expect(otherExtension.confidence).toBe("low");
    expect(otherExtension.reasons).toContain("extension_enterprise_differs");
  });

  it("is none when neither a port nor a registered signature is found", () => {
    const result = attribute({ ...base, signatureText: "无名签名" });
    expect(result).toMatchObject({ confidence: "none", portId: null, spId: null, signatureId: null, enterpriseId: null, signatureText: "无名签名" });
    expect(result.reasons).toEqual(["port_unknown", "signature_unregistered"]);
  });

  it("falls back to the extension's enterprise when the signature is unknown", () => {
    const result = attribute({ ...base, port: portA, extension: "01", assignedExtension: { extension: "01", enterpriseId: "ent-a" } });
    expect(result).toMatchObject({ enterpriseId: "ent-a", spId: "sp-a", confidence: "low" });
  });
});
