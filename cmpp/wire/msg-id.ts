/**
 * The 64-bit Msg_Id, most significant bit first:
 *
 *   month 4 | day 5 | hour 5 | minute 6 | second 6 | gateway code 22 | sequence 16
 *
 * The time fields are the generating gateway's clock in China time (UTC+8).
 *
 * Uniqueness. Across instances: each instance is configured with its own gateway code
 * (0..4,194,303); two proxies never share one (the operator's ISMG codes are 6-digit numbers,
 * which fit). On one instance: at most 65,536 ids per second; when a second's sequences run out
 * the generator moves to the next second ahead of the clock, and it never goes back (a clock
 * stepped backwards does not rewind it). Across restarts: a fresh generator starts at the second
 * after the one it was created in, so it cannot repeat an id the previous process gave out in
 * its last second (a restart takes longer than the ~1 s this borrows). The ids repeat after a
 * year, which the format cannot avoid.
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
  /** The second (epoch seconds) ids are being drawn from; never decreases. */
  private second: number;
  private sequence = 0;

  constructor(readonly gatewayCode: number, private readonly now: () => number = Date.now) {
    check("gatewayCode", gatewayCode, 0, MAX_GATEWAY_CODE);
    this.second = Math.floor(now() / 1000) + 1;
  }

  next(): bigint {
    const current = Math.floor(this.now() / 1000);
    if (current > this.second) {
      this.second = current;
      this.sequence = 0;
    } else if (this.sequence > 0xffff) {
      this.second++;
      this.sequence = 0;
    }
    const d = new Date(this.second * 1000 + CHINA_OFFSET_MS);
    return packMsgId({
      month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(),
      gatewayCode: this.gatewayCode, sequence: this.sequence++,
    });
  }
}

function check(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${name} ${value} is not within ${min}..${max}`);
}
