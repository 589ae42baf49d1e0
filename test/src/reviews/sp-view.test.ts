import { describe, expect, it } from "vitest";
import { evidenceForSp } from "../../../src/reviews/sp-view.ts";
import type { Evidence } from "../../../src/reviews/types.ts";

const A = "5a000000-0000-4000-8000-00000000000a";
const B = "5b000000-0000-4000-8000-00000000000b";
const sample = (text: string, spId?: string) => ({ at: "2026-11-23T00:00:00.000Z", reason: "scope_exceeded", sourceAddr: "10690001", signatureText: "云端优选", recipientMask: "138****0001", text, ...(spId ? { spId } : {}) });
const series = [{ day: "2026-11-23", count: 2 }];

describe("the SP view of a finding's evidence", () => {
  it("keeps refusals by signature in full when they are the SP's own sending", () => {
    const evidence: Evidence = { counts: { total: 2 }, series, samples: [sample("a"), sample("b")], sendingSpId: A };
    expect(evidenceForSp("scope_exceeded", evidence, A)).toEqual(evidence);
  });

  it("drops another sender's id and samples from refusals by signature, keeping the counts", () => {
    const evidence: Evidence = { counts: { total: 2 }, series, samples: [sample("a"), sample("b")], sendingSpId: B };
    expect(evidenceForSp("scope_exceeded", evidence, A)).toEqual({ counts: { total: 2 }, series, samples: [], samplesWithheld: 2 });
    const unknownSender: Evidence = { counts: { total: 1 }, samples: [sample("c")], sendingSpId: null };
    expect(evidenceForSp("recipient_opted_out", unknownSender, A)).toEqual({ counts: { total: 1 }, samples: [], samplesWithheld: 1 });
  });

  it("shows samples drawn from every sender only where a sample says it is the SP's own", () => {
    const evidence: Evidence = { counts: { total: 3, distinctEnterprises: 1 }, series, samples: [sample("mine", A), sample("theirs", B), sample("unknown")] };
    expect(evidenceForSp("port_sublet_refusals", evidence, A)).toEqual({ counts: { total: 3, distinctEnterprises: 1 }, series, samples: [sample("mine", A)], samplesWithheld: 2 });
    expect(evidenceForSp("some_future_type", { counts: {}, samples: [sample("x")] }, A)).toEqual({ counts: {}, samples: [], samplesWithheld: 1 });
  });

  it("names a look-alike's original by its text only unless it is the SP's own, and drops a leader's rank", () => {
    const looksLike = { id: "5c000000-0000-4000-8000-00000000000c", text: "云端优选", enterpriseId: "e", spId: B };
    expect(evidenceForSp("look_alike_signature", { counts: { group: 2 }, looksLike, sameEnterprise: false }, A)).toEqual({ counts: { group: 2 }, looksLike: { text: "云端优选" }, sameEnterprise: false });
    expect(evidenceForSp("look_alike_signature", { counts: { group: 2 }, looksLike: { ...looksLike, spId: A } }, A).looksLike).toEqual({ ...looksLike, spId: A });
    expect(evidenceForSp("complaint_rate_leader", { counts: { complaints: 4 }, rank: 3, ratePer10k: 40 }, A)).toEqual({ counts: { complaints: 4 }, ratePer10k: 40 });
  });

  it("does not change the reviewers' evidence object", () => {
    const evidence: Evidence = { counts: { total: 1 }, samples: [sample("theirs", B)], rank: 1 };
    evidenceForSp("complaint_rate_leader", evidence, A);
    expect(evidence).toEqual({ counts: { total: 1 }, samples: [sample("theirs", B)], rank: 1 });
  });
});
