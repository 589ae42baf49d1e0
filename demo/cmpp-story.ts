/**
 * The demo's CMPP story: 华信通信 connects over CMPP 2.0 with its SP code 901688 (a CMPP bind
 * account the demo opens through the API), sends one verification message that is accepted and
 * gets its status report back under the Msg_Id it was given, and one sublet attempt (星河银行's
 * signature, which it has no contract for) refused with its SUBMIT_RESP Result. Needs the gateway
 * started with the CMPP listener: CMPP_PORT, CMPP_GATEWAY_CODE and SECRETS_KEY (README "CMPP").
 */
import net from "node:net";
import { authenticatorSource, timestampAt } from "../cmpp/wire/auth.ts";
import { decodeFrame } from "../cmpp/wire/decode.ts";
import { encodeConnect, encodeDeliverResp, encodeSubmit, encodeTerminate } from "../cmpp/wire/encode.ts";
import { CmppFramer } from "../cmpp/wire/framer.ts";
import type { Pdu } from "../cmpp/wire/pdu.ts";
import type { ApiClient } from "./api-client.ts";
import type { DemoWorld } from "./seed.ts";

export const DEMO_SP_CODE = "901688";
const DEMO_SECRET = "hx-cmpp-secret";
const ucs2 = (text: string) => new Uint8Array(Buffer.from(text, "utf16le").swap16());

/** Opens (once) 华信通信's CMPP account: SP code 901688, a made-up shared secret. */
export async function ensureCmppAccount(api: ApiClient, world: DemoWorld): Promise<void> {
  await api.ensure("/accounts", { spId: world.spA.id, systemId: DEMO_SP_CODE, protocol: "cmpp", password: DEMO_SECRET, maxBinds: 4, maxSubmitsPerSecond: 100 }, async (c) =>
    (await c.get<{ items: { id: string }[] }>(`/accounts?systemId=${DEMO_SP_CODE}`)).items[0]);
}

/** A tiny CMPP 2.0 SP built on the wire codec: one request at a time, DELIVERs answered and kept. */
class DemoSp {
  private readonly framer = new CmppFramer();
  private readonly waiting = new Map<number, (pdu: Pdu) => void>();
  readonly delivered: Pdu<"deliver">[] = [];
  private seq = 1;

  constructor(private readonly socket: net.Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.framer.push(new Uint8Array(chunk));
      for (let frame = this.framer.next(); frame; frame = this.framer.next()) {
        const decoded = decodeFrame(frame.slice(), 2);
        if (!decoded.ok) continue;
        const pdu = decoded.pdu;
        if (pdu.command === "deliver") {
          this.delivered.push(pdu);
          socket.write(encodeDeliverResp(pdu.sequenceId, 2, pdu.body.msgId, 0));
        } else this.waiting.get(pdu.sequenceId)?.(pdu);
      }
    });
  }

  static open(port: number): Promise<DemoSp> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, "127.0.0.1", () => resolve(new DemoSp(socket)));
      socket.once("error", reject);
    });
  }

  request(frame: (seq: number) => Uint8Array): Promise<Pdu> {
    const seq = this.seq++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no answer within 10 s")), 10_000);
      this.waiting.set(seq, (pdu) => {
        clearTimeout(timer);
        resolve(pdu);
      });
      this.socket.write(frame(seq));
    });
  }

  close(): void {
    this.socket.write(encodeTerminate(this.seq++));
    this.socket.end();
  }
}

export async function cmppStory(port: number, line: (s?: string) => void): Promise<void> {
  const sp = await DemoSp.open(port);
  const timestamp = timestampAt(Date.now());
  const connect = await sp.request((seq) => encodeConnect(seq, { sourceAddr: DEMO_SP_CODE, authenticatorSource: authenticatorSource(DEMO_SP_CODE, DEMO_SECRET, timestamp), version: 0x20, timestamp }));
  const status = connect.command === "connect_resp" ? connect.body.status : -1;
  line(`  CMPP_CONNECT as SP ${DEMO_SP_CODE} (CMPP 2.0) ⇒ Status ${status}${status === 0 ? " (正确)" : ""}`);
  if (status !== 0) return sp.close();
  const submit = async (text: string, to: string) => {
    const answer = await sp.request((seq) => encodeSubmit(seq, 2, {
      msgId: 0n, pkTotal: 1, pkNumber: 1, registeredDelivery: 1, msgLevel: 0, serviceId: "VER", feeUserType: 0, feeTerminalId: "",
      tpPid: 0, tpUdhi: 0, msgFmt: 8, msgSrc: DEMO_SP_CODE, feeType: "01", feeCode: "0", validTime: "", atTime: "", srcId: "1069000101",
      destTerminalIds: [to], msgContent: ucs2(text),
    }));
    const body = answer.command === "submit_resp" ? answer.body : { msgId: 0n, result: -1 };
    line(`  1069000101 → ${to} ${text}\n    ⇒ SUBMIT_RESP Result ${body.result}${body.result === 0 ? `, Msg_Id ${body.msgId}` : ""}`);
    return body;
  };
  const accepted = await submit("【云端科技】您的验证码是663311，5分钟内有效。", "13800000011");
  for (let i = 0; i < 50 && !sp.delivered.some((d) => d.body.report?.msgId === accepted.msgId); i++) await new Promise((r) => setTimeout(r, 100));
  const report = sp.delivered.find((d) => d.body.report?.msgId === accepted.msgId)?.body.report;
  line(report ? `    ⇐ status report for Msg_Id ${report.msgId}: Stat ${report.stat}, done ${report.doneTime}, to ${report.destTerminalId}` : "    (no status report yet)");
  const refused = await submit("【星河银行】您尾号8888的账户于今日入账500.00元。", "13800000012");
  line(`    (Result ${refused.result} = 64 + (0x420 − 0x400): sublet_no_contract, the registry's vendor range; see the README's CMPP Result table)`);
  sp.close();
}
