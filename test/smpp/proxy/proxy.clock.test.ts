import { afterEach, describe, expect, it } from "vitest";
import { commandStatusFor } from "../../../src/policy/reasons.ts";
import { connectEsme, type Esme } from "../../helpers/esme.ts";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.ts";
import { seedAndSync } from "../../helpers/world.ts";

let gateway: TestGateway | undefined;
let esme: Esme | undefined;
afterEach(async () => {
  await esme?.close();
  await gateway?.close();
});

describe("the gateway's injected clock", () => {
  it("stamps what the proxy judges and records, and what the simulator accepts, with the clock it was given", async () => {
    // A frozen instant 90 s in the past, on a whole second: the real clock never reads that.
    const fixed = Math.floor(Date.now() / 1000) * 1000 - 90_000;
    gateway = await startTestGateway({ clock: () => fixed });
    const world = await seedAndSync(gateway);
    esme = await connectEsme(gateway.smppPort, world.accountA);

    const accepted = await esme.submit({ source_addr: "1069000101", destination_addr: "13800000001", service_type: "VER", data_coding: 8, short_message: { message: "【云端科技】您的验证码是482913，5分钟内有效。" } });
    expect(accepted.status).toBe(0);
    expect(gateway.simulator!.received.all().at(-1)?.at).toBe(fixed);

    const sublet = await esme.submit({ source_addr: "10690001", destination_addr: "13800000003", data_coding: 8, short_message: { message: "【星河银行】您尾号1234的账户于今日入账500元。" } });
    expect(sublet.status).toBe(commandStatusFor("sublet_no_contract"));
    await gateway.journal.flush();
    const rows = (await gateway.api.get<{ items: { at: string }[] }>("/rejections?reason=sublet_no_contract")).items;
    expect(rows.map((row) => new Date(row.at).getTime())).toEqual([fixed]);
  });
});
