/**
 * `npm run bench:sessions`: what our SMPP session layer (smpp/session) costs a server process per
 * submit_sm answered, on each socket API (SOCKET_API: Bun's own sockets or node:net), at a low
 * paced rate (a wakeup per PDU, as a gateway sees at 1,000/s) and a high one (many PDUs per
 * wakeup). No policy, no database: the floor under the proxy's CPU that the sockets decide.
 *
 * The server runs in a child process (this file with `serve <api>`); the client, always node:net
 * through connectSmpp, is this process. The APIs alternate over ROUNDS rounds so a machine that
 * drifts (shared cores) weighs on both alike; each figure is the child's CPU (user + system) over
 * the paced run divided by the submits answered.
 */
import { connectSmpp } from "../../smpp/session/client.ts";
import { createSmppServer } from "../../smpp/session/server.ts";
import { encodeSubmitSm } from "../../smpp/wire/encode.ts";
import type { SocketApi } from "../../src/lib/byte-stream.ts";
import { LineChild, paced, profileFlags } from "./child.ts";

const SECONDS = 4;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const RATES = [1000, 20_000];
const APIS: SocketApi[] = ["bun", "node"];

if (process.argv[2] === "serve") {
  const server = await createSmppServer({
    host: "127.0.0.1",
    port: 0,
    sockets: process.argv[3] as SocketApi,
    handlers: { authenticate: () => ({ ok: true, context: undefined }), submitSm: () => ({ status: 0, messageId: "1" }) },
  });
  console.log(JSON.stringify({ port: server.port }));
  for await (const chunk of Bun.stdin.stream()) {
    if (new TextDecoder().decode(chunk).includes("stats")) {
      const cpu = process.cpuUsage();
      console.log(JSON.stringify({ cpuUs: cpu.user + cpu.system }));
    }
  }
  process.exit(0);
} else {
  const runs: Record<string, number[]> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const rate of RATES) {
      for (const api of round % 2 === 0 ? APIS : [...APIS].reverse()) {
        const key = `${api} ${rate}/s`;
        (runs[key] ??= []).push(await measure(api, rate));
        console.log(`round ${round + 1}: ${key.padEnd(14)} ${runs[key]!.at(-1)!.toFixed(1)} µs of the server's CPU a submit_sm`);
      }
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const summary = Object.fromEntries(Object.entries(runs).map(([key, values]) => [key, { median: Math.round(median(values) * 10) / 10, runs: values.map((v) => Math.round(v * 10) / 10) }]));
  console.log(JSON.stringify(summary));
  process.exit(0);
}

async function measure(api: SocketApi, rate: number): Promise<number> {
  const server = LineChild.spawn(import.meta.path, ["serve", api], profileFlags());
  const { port } = await server.next<{ port: number }>();
  const client = await connectSmpp({ host: "127.0.0.1", port, systemId: "bench", password: "x", windowSize: 1000, sockets: "node" });
  const fields = { sourceAddr: "10690001", destinationAddr: "13800000000", shortMessage: Buffer.from("【测试】hello") };
  // Warm the server's JIT before measuring.
  for (let i = 0; i < 4; i++) await Promise.all(Array.from({ length: 500 }, () => client.submitSm(fields)));
  const before = (await server.ask<{ cpuUs: number }>("stats")).cpuUs;
  const total = rate * SECONDS;
  let answered = 0;
  let allAnswered: () => void = () => {};
  const done = new Promise<void>((resolve) => (allAnswered = resolve));
  await paced(rate, total, () => {
    client.submitFrame(encodeSubmitSm(0, fields)).then(() => {
      if (++answered === total) allAnswered();
    }, () => {});
  });
  await done;
  const after = (await server.ask<{ cpuUs: number }>("stats")).cpuUs;
  await client.unbind();
  await server.stop();
  return (after - before) / total;
}
