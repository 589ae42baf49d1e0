/**
 * `bun test/bench/wakeup-cost.ts`: what one small message over loopback TCP costs a Bun process's
 * CPU, written and its short reply read, at a low paced rate (a wakeup per message) and a high one
 * (many messages per wakeup), through node:net (what smpp/session uses) and through Bun's own
 * sockets. No gateway involved: it is the floor under the proxy's CPU per message at low rates on
 * the machine it runs on (README, Results, seventh session).
 *
 * The echo server runs in a child process (this file with `serve`, spoken to as the bench's other
 * children are, child.ts), so the figures are the client's alone: `process.cpuUsage()` over the
 * run, per message.
 */
import net from "node:net";
import { LineChild, paced } from "./child.ts";

const SECONDS = 5;
const MESSAGE = Buffer.alloc(120, 1);

if (process.argv[2] === "serve") {
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    socket.on("data", (data: Buffer) => socket.write(data.subarray(0, 16)));
  });
  server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ port: (server.address() as net.AddressInfo).port })));
  // Until LineChild.stop() ends stdin.
  for await (const _ of Bun.stdin.stream());
  process.exit(0);
} else {
  const results: Record<string, number> = {};
  for (const api of ["node:net", "Bun.connect"] as const) {
    for (const rate of [1000, 20_000]) {
      const server = LineChild.spawn(import.meta.path, ["serve"]);
      const { port } = await server.next<{ port: number }>();
      const write = await connect(api, port);
      results[`${api} ${rate}/s`] = await cost(write, rate);
      await server.stop();
    }
  }
  for (const [name, us] of Object.entries(results)) console.log(`${name.padEnd(20)} ${us.toFixed(1)} µs of the client's CPU a message`);
  console.log(JSON.stringify(results));
  process.exit(0);
}

async function connect(api: "node:net" | "Bun.connect", port: number): Promise<(bytes: Uint8Array) => void> {
  if (api === "node:net") {
    const socket = net.connect(port, "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    socket.setNoDelay(true);
    socket.on("data", () => {});
    return (bytes) => void socket.write(bytes);
  }
  const socket = await Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {} } });
  socket.setNoDelay(true);
  return (bytes) => void socket.write(bytes);
}

/** Sends `rate` messages a second for SECONDS, each write as its own call; CPU µs per message. */
async function cost(write: (bytes: Uint8Array) => void, rate: number): Promise<number> {
  const total = rate * SECONDS;
  const cpu = process.cpuUsage();
  await paced(rate, total, () => write(MESSAGE));
  // Let the last replies arrive so their reads are counted too.
  await new Promise((resolve) => setTimeout(resolve, 100));
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / total;
}
