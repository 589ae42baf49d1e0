/** Connection settings and their defaults (the CMPP specification's C = 180 s, T = 60 s, N = 3). */
import { DEFAULT_MAX_FRAME_LENGTH } from "../wire/constants.ts";

export interface CmppConnectionOptions {
  /** Hard limit on Total_Length (default 4096). */
  maxFrameLength?: number;
  /** Our requests (DELIVER) in flight at most (default 16). */
  windowSize?: number;
  /** Inbound SUBMITs awaiting the application at most; more get Result 8, flow control (default 16). */
  inboundWindowSize?: number;
  /** Per request we send (default T = 60 s). */
  requestTimeoutMs?: number;
  /** C: send ACTIVE_TEST after this much silence from the peer; 0 = never (default 180 s). */
  activeTestIntervalMs?: number;
  /** T: resend an unanswered ACTIVE_TEST after this long (default 60 s). */
  activeTestTimeoutMs?: number;
  /** N: drop the link after this many unanswered ACTIVE_TESTs in a row (default 3). */
  activeTestMaxMissed?: number;
  /** Close a connection that has not completed CONNECT within this time; 0 = never (default 30 s). */
  connectTimeoutMs?: number;
  /** Close when a frame stays half-received this long (default 10 s). */
  partialFrameTimeoutMs?: number;
  /** On a close we decide (bad frame, peer TERMINATE): how long SUBMITs being handled get to answer first (default 5 s). */
  closeDrainMs?: number;
  /** Stop reading while more than this many bytes of our answers wait to be sent (default 1 MiB). */
  maxOutputBufferBytes?: number;
  /** Refused CONNECTs tolerated on one connection before it is closed (default 3). */
  maxFailedConnects?: number;
  /** The clock (epoch ms); tests inject their own. */
  now?: () => number;
}

export type ResolvedOptions = Required<CmppConnectionOptions>;

export function resolveOptions(options: CmppConnectionOptions): ResolvedOptions {
  const defined = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  return {
    maxFrameLength: DEFAULT_MAX_FRAME_LENGTH,
    windowSize: 16,
    inboundWindowSize: 16,
    requestTimeoutMs: 60_000,
    activeTestIntervalMs: 180_000,
    activeTestTimeoutMs: 60_000,
    activeTestMaxMissed: 3,
    connectTimeoutMs: 30_000,
    partialFrameTimeoutMs: 10_000,
    maxFailedConnects: 3,
    closeDrainMs: 5_000,
    maxOutputBufferBytes: 1 << 20,
    now: Date.now,
    ...defined,
  };
}

/** The timer period: a quarter of the shortest timeout in use, within 5 ms .. 1 s. */
export function tickInterval(o: ResolvedOptions): number {
  const periods = [o.requestTimeoutMs, o.activeTestIntervalMs, o.activeTestTimeoutMs, o.connectTimeoutMs, o.partialFrameTimeoutMs, o.closeDrainMs].filter((ms) => ms > 0);
  return Math.max(5, Math.min(1000, Math.floor(Math.min(...periods) / 4)));
}
