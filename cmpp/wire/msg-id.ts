/**
 * The 64-bit Msg_Id, most significant bit first:
 *
 *   month 4 | day 5 | hour 5 | minute 6 | second 6 | gateway code 22 | sequence 16
 *
 * The time fields are the generating gateway's clock in China time (UTC+8).
 *
 * Uniqueness. Across instances: each instance is configured with its own gateway code
 * (0..4,194,303) and two proxies never share one (the operator's 6-digit ISMG codes fit). On one
 * instance: an id is only ever stamped with a second the clock has reached, at most 65,536 per
 * second; when a second's sequences are used up, none is given until the clock reaches the next
 * second. Across restarts: a generator gives no id stamped with the second it was created in; it
 * waits that second out. So every id of a new process carries a later second than every id of
 * the process before it (which stamped only seconds it had lived through). A clock stepped
 * backwards does not rewind a running generator: it keeps the second it had reached. The ids
 * repeat after a year, which the format cannot avoid.
 */
const CHINA_OFFSET_MS = 8 * 3600_000;
export const MAX_GATEWAY_CODE = 0x3fffff;

export interface MsgIdParts {
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  gatewayCode: number;
  sequence: number;
}

export function packMsgId(p: MsgIdParts): bigint {
  check("month", p.month, 1, 12);
  check("day", p.day, 1, 31);
  check("hour", p.hour, 0, 23);
  check("minute", p.minute, 0, 59);
  check("second", p.second, 0, 59);
  check("gatewayCode", p.gatewayCode, 0, MAX_GATEWAY_CODE);
  check("sequence", p.sequence, 0, 0xffff);
  const time = ((((p.month << 5) | p.day) << 5 | p.hour) << 6 | p.minute) << 6 | p.second; // 26 bits
  return (BigInt(time) << 38n) | (BigInt(p.gatewayCode) << 16n) | BigInt(p.sequence);
}

export function unpackMsgId(id: bigint): MsgIdParts {
  const time = Number(id >> 38n);
  return {
    month: (time >> 22) & 0xf,
    day: (time >> 17) & 0x1f,
    hour: (time >> 12) & 0x1f,
    minute: (time >> 6) & 0x3f,
    second: time & 0x3f,
    gatewayCode: Number((id >> 16n) & 0x3fffffn),
    sequence: Number(id & 0xffffn),
  };
}

export class MsgIdGenerator {
  /** The second (epoch seconds) ids are stamped with; never decreases. */
  private second: number;
  private sequence = 0x10000; // nothing left in the creation second

  constructor(readonly gatewayCode: number, private readonly now: () => number = Date.now) {
    check("gatewayCode", gatewayCode, 0, MAX_GATEWAY_CODE);
    this.second = Math.floor(now() / 1000);
  }

  /** The next id, or undefined when none may be given before the clock's next second. */
  tryNext(): bigint | undefined {
    const current = Math.floor(this.now() / 1000);
    if (current > this.second) {
      this.second = current;
      this.sequence = 0;
    } else if (this.sequence > 0xffff) {
      return undefined;
    }
    const d = new Date(this.second * 1000 + CHINA_OFFSET_MS);
    return packMsgId({
      month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(),
      gatewayCode: this.gatewayCode, sequence: this.sequence++,
    });
  }

  /** Milliseconds until tryNext() can give an id again (0 when it can now). */
  waitMs(): number {
    const now = this.now();
    if (Math.floor(now / 1000) > this.second || this.sequence <= 0xffff) return 0;
    return (this.second + 1) * 1000 - now;
  }

  /** The next id, waiting out the current second when needed (only right after start, or past 65,536 ids a second). */
  async next(): Promise<bigint> {
    for (;;) {
      const id = this.tryNext();
      if (id !== undefined) return id;
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, this.waitMs())));
    }
  }
}

function check(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${name} ${value} is not within ${min}..${max}`);
}
