/** The demo's CMPP story (demo/cmpp-story.ts) against the whole gateway: what it prints is what happened. */
import { afterAll, beforeAll, expect, it } from "vitest";
import { cmppStory, ensureCmppAccount, DEMO_SP_CODE } from "../../demo/cmpp-story.ts";
import { submitResultFor } from "../../cmpp/gateway/results.ts";
import { startCmppWorld, type CmppWorld } from "../cmpp/gateway/cmpp-world.ts";
import { waitFor } from "../helpers/world.ts";

let w: CmppWorld;
beforeAll(async () => {
  w = await startCmppWorld();
}, 120_000);
afterAll(async () => {
  await w?.close();
});

it("connects over CMPP 2.0, gets a status report for the accepted message and the sublet Result for the refused one", async () => {
  await ensureCmppAccount(w.gateway.api, w.world);
  await ensureCmppAccount(w.gateway.api, w.world); // a second demo run finds the account
  await waitFor(() => w.gateway.registry.snapshot.accountsBySystemId.has(DEMO_SP_CODE), 3000, "demo CMPP account");
  const lines: string[] = [];
  await cmppStory(w.port, (s = "") => lines.push(s));
  const printed = lines.join("\n");
  expect(printed).toContain("Status 0 (正确)");
  const msgId = /Result 0, Msg_Id (\d+)/.exec(printed)?.[1];
  expect(msgId).toBeDefined();
  expect(printed).toContain(`status report for Msg_Id ${msgId}: Stat DELIVRD`);
  expect(printed).toContain(`SUBMIT_RESP Result ${submitResultFor("sublet_no_contract")}`);
});
