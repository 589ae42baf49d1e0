/**
 * The SMSC simulator in its own process, so the load generator, the proxy and the SMSC each have
 * their own CPU and RSS. Prints {"port":…} once listening; answers "stats" on stdin with one JSON
 * line (CPU µs, RSS, simulator counters); exits on "stop" or end of stdin.
 */
import { startSimulator } from "../../smpp/simulator/index.ts";
import { mainThreadRunWaitUs, threadCpuUs } from "./thread-cpu.ts";
import { benchSockets } from "./child.ts";

benchSockets();

const simulator = await startSimulator({ host: "127.0.0.1", port: 0, receiptDelayMs: 0, keepReceived: 1000, windowSize: 1000 });
console.log(JSON.stringify({ port: simulator.port }));

let buffered = "";
for await (const chunk of Bun.stdin.stream()) {
  buffered += new TextDecoder().decode(chunk);
  let newline: number;
  while ((newline = buffered.indexOf("\n")) >= 0) {
    const command = buffered.slice(0, newline).trim();
    buffered = buffered.slice(newline + 1);
    if (command === "stats") {
      const cpu = process.cpuUsage();
      console.log(JSON.stringify({ cpuUs: cpu.user + cpu.system, runWaitUs: mainThreadRunWaitUs(), threads: threadCpuUs(), rss: process.memoryUsage().rss, stats: simulator.stats() }));
    } else if (command === "stop") {
      await simulator.stop();
      process.exit(0);
    }
  }
}
await simulator.stop();
process.exit(0);
