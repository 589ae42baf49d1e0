/**
 * The national-scale part of a full load on PostgreSQL: enterprises, signatures and the keyed
 * recipient sets, read over connections that share one database snapshot (Database.bulkRead),
 * streamed with COPY and built straight into the snapshot's structures.
 * - Large sets (KEYED_SET_THREADS_FROM rows and more): each set is built on a worker thread that
 *   joins the snapshot on its own connection (keyed-set-threads.ts), while this thread loads the
 *   signatures; the sets are then moved in.
 * - Smaller ones: their page ranges are shared out over this thread's connections while one of
 *   them streams the signatures.
 * PGlite takes the paged path in loader.ts.
 */
import type { BulkReader, Database } from "../db/client.ts";
import type { Category, SignatureEntry } from "../policy/types.ts";
import { collectGarbage, loadRange, planRanges, presizedKeyedSet, type KeyedSetSource, type RangeTask } from "./keyed-sets.ts";
import { UuidOrdinals } from "./uuid-ordinals.ts";
import { buildOnThreads, keyedSetThreadCount, spreadSets } from "./keyed-set-threads.ts";
import type { RegistrySnapshot } from "./snapshot.ts";
import { signatureEntry } from "./signature-entry.ts";
import { ByteInterner } from "./byte-interner.ts";

/** Connections a bulk load reads over on its own thread (the database has work for about this many cores). */
const BULK_CONNECTIONS = 3;
/**
 * From this many rows in the keyed sets (the tables' estimates) they are built on threads: below
 * it, a thread's start and connection cost more than the parsing they take off this thread.
 */
export const KEYED_SET_THREADS_FROM = 1_000_000;

export interface BulkLoadOptions {
  /** The tables' estimated rows (the sets' sizes), which choose between threads and this thread. */
  estimatedRows: number;
  /** Threads for the keyed sets; 0 builds them on this thread. Default: by estimatedRows and the cores. */
  threads?: number;
}

export async function loadInBulk(bulkRead: NonNullable<Database["bulkRead"]>, snapshot: RegistrySnapshot, sources: readonly KeyedSetSource[], asOf: string, options: BulkLoadOptions): Promise<void> {
  const threads = options.threads ?? (options.estimatedRows >= KEYED_SET_THREADS_FROM ? keyedSetThreadCount(sources.length) : 0);
  await bulkRead(threads > 0 ? 1 : BULK_CONNECTIONS, async (readers, shared) => {
    const first = readers[0]!;
    const ids: string[] = [];
    await first.copyRows("select id, status from enterprises order by id", (bytes) => {
      const row = bytes as Buffer;
      const tab = row.indexOf(9);
      const id = row.toString("latin1", 0, tab);
      ids.push(id);
      snapshot.enterpriseStatus.set(id, row[tab + 1] === 115 /* s */ ? "suspended" : "active");
    });
    const enterprises = new UuidOrdinals(ids);
    const { tasks, estimates } = await planRanges(first, sources, asOf);
    if (threads > 0) {
      // Whichever fails first stops the other: the threads at once, the signatures at their next
      // row (the rest of their COPY is read and dropped). Both settle before bulkRead ends the
      // snapshot's transaction: the threads read it.
      const failed = new AbortController();
      let firstFailure: { error: unknown } | undefined;
      const stopOnFailure = (error: unknown): never => {
        firstFailure ??= { error };
        failed.abort();
        throw error;
      };
      const built = buildOnThreads(shared, asOf, spreadSets(tasks, estimates, threads), failed.signal).catch(stopOnFailure);
      // A million signature rows' buffers and field strings are garbage once they are loaded: a
      // full collection keeps them out of the load's peak.
      const signaturesLoaded = loadSignaturesBulk(first, snapshot, ids, enterprises, failed.signal).then(() => collectGarbage(true), stopOnFailure);
      const [, sets] = await Promise.allSettled([signaturesLoaded, built]);
      // The failure that stopped the load, not the stop it caused in the other.
      if (firstFailure) throw firstFailure.error;
      if (sets.status === "rejected") throw sets.reason;
      for (const [name, set] of sets.value) snapshot.putKeyedSet(name, set);
      return;
    }
    for (const source of sources) snapshot.putKeyedSet(source.name, presizedKeyedSet(source, estimates.get(source.name) ?? 0));
    await loadOnThisThread(readers, snapshot, tasks, ids, enterprises);
  });
}

/** The signatures on the first reader, then the sets' ranges shared out over every reader. */
async function loadOnThisThread(readers: BulkReader[], snapshot: RegistrySnapshot, tasks: readonly RangeTask[], ids: readonly string[], enterprises: UuidOrdinals): Promise<void> {
  const first = readers[0]!;
  const queue = [...tasks];
  let failed = false;
  const drain = async (reader: BulkReader) => {
    // After a failure no reader starts another range: the load is given up, and every
    // connection must be idle before bulkRead rolls them back.
    for (let task = queue.shift(); task && !failed; task = queue.shift()) await loadRange(reader, snapshot.keyedSet(task.source.name)!, task);
  };
  const outcomes = await Promise.allSettled(
    [
      (async () => {
        await loadSignaturesBulk(first, snapshot, ids, enterprises);
        collectGarbage(true);
        await drain(first);
      })(),
      ...readers.slice(1).map(drain),
    ].map((work) => work.catch((error: unknown) => ((failed = true), Promise.reject(error)))),
  );
  const rejected = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected");
  if (rejected) throw rejected.reason;
}

const TAB = 9;
const BACKSLASH = 92;

/** COPY text format escapes backslash, tab, newline and the like; undo it (rare: only when a backslash is present). */
function unescapeCopy(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => ({ b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v" })[c] ?? c);
}

/**
 * All signatures, one COPY row each, with their port bindings aggregated on the server (a hash
 * join, not a subquery per signature) and the enterprise as its UUID's bytes, mapped to its ordinal
 * without a string (UuidOrdinals). Scope sets, bindings lists, statuses and SP and port ids repeat
 * across a million signatures: they are found by their bytes (ByteInterner) and shared, so a row
 * makes two strings (its id and text) and its entry.
 */
async function loadSignaturesBulk(reader: BulkReader, snapshot: RegistrySnapshot, enterpriseIds: readonly string[], ordinals: UuidOrdinals, stop?: AbortSignal): Promise<void> {
  const spIds = new ByteInterner<string>();
  const statuses = new ByteInterner<SignatureEntry["status"]>();
  const scopes = new ByteInterner<ReadonlySet<Category>>();
  const bindingLists = new ByteInterner<SignatureEntry["bindings"]>();
  const portIds = new Map<string, string>();
  const portId = (value: string) => portIds.get(value) ?? (portIds.set(value, value), value);
  // Ids, statuses, categories and numbers are ASCII: latin1 makes their strings without UTF-8 decoding.
  const latin1 = (bytes: Uint8Array, start: number, end: number) => (bytes as Buffer).toString("latin1", start, end);
  const scopeSet = (bytes: Uint8Array, start: number, end: number): ReadonlySet<Category> => new Set((start === end ? [] : latin1(bytes, start, end).split(",")) as Category[]);
  const bindingList = (bytes: Uint8Array, start: number, end: number): SignatureEntry["bindings"] =>
    (bytes as Buffer)
      .toString("utf8", start, end)
      .split(",")
      .map((pair) => {
        const colon = pair.indexOf(":");
        return { portId: portId(pair.slice(0, colon)), extension: unescapeCopy(pair.slice(colon + 1)) };
      });
  const unbound: SignatureEntry["bindings"] = [];
  const query = `select s.id, s.text, ${ordinals.bytesSql("s.enterprise_id")}, s.sp_id, s.status, array_to_string(s.scope, ','),
      floor(extract(epoch from s.expires_at) * 1000)::bigint, b.bindings, s.template_required
    from signatures s
    left join (select signature_id, string_agg(port_id::text || ':' || extension, ',') as bindings from signature_ports group by signature_id) b on b.signature_id = s.id`;
  const starts = new Int32Array(9);
  const ends = new Int32Array(9);
  await reader.copyRows(query, (bytes) => {
    stop?.throwIfAborted();
    const row = bytes as Buffer;
    let start = 0;
    for (let f = 0; f < 9; f++) {
      const end = f === 8 ? row.length - 1 : row.indexOf(TAB, start);
      starts[f] = start;
      ends[f] = end;
      start = end + 1;
    }
    const isNull = (f: number) => row[starts[f]!] === BACKSLASH && row[starts[f]! + 1] === 78; /* \N */
    const rawText = row.toString("utf8", starts[1], ends[1]);
    // The bytea in COPY text: "\\x" (the backslash escaped), then its hex digits.
    const ordinal = ordinals.ordinalAt(row, starts[2]! + 3);
    if (ordinal === 0) throw new Error(`signature ${latin1(row, starts[0]!, ends[0]!)}: enterprise not among those loaded`);
    const enterpriseId = enterpriseIds[ordinal - 1]!;
    const entry = {
      id: latin1(row, starts[0]!, ends[0]!),
      text: rawText.includes("\\") ? unescapeCopy(rawText) : rawText,
      enterpriseId,
      spId: spIds.get(row, starts[3]!, ends[3]!, latin1),
      status: statuses.get(row, starts[4]!, ends[4]!, latin1 as (bytes: Uint8Array, start: number, end: number) => SignatureEntry["status"]),
      scope: scopes.get(row, starts[5]!, ends[5]!, scopeSet),
      expiresAt: isNull(6) ? null : integerAt(row, starts[6]!, ends[6]!),
      bindings: isNull(7) ? unbound : bindingLists.get(row, starts[7]!, ends[7]!, bindingList),
      // COPY text writes a boolean as t / f.
      templateRequired: row[starts[8]!] === 116 /* t */,
    };
    snapshot.putSignature(signatureEntry(entry, snapshot.enterpriseStatus.get(enterpriseId) !== "suspended"), { fresh: true });
    // A quick collection every 100,000 rows and a full one every 400,000: the rows' buffers and
    // strings are garbage at once, and left to the collector's own pace they set the load's peak
    // (1.43–1.50 GB; 1.36–1.47 with the quick ones alone; 1.37–1.42 with both, no slower).
    if (snapshot.signaturesById.size % 100_000 === 0) collectGarbage(snapshot.signaturesById.size % 400_000 === 0);
  });
}

/** The decimal integer (optionally negative) written in bytes[start, end). */
function integerAt(bytes: Uint8Array, start: number, end: number): number {
  const negative = bytes[start] === 45; /* - */
  let value = 0;
  for (let i = negative ? start + 1 : start; i < end; i++) value = value * 10 + (bytes[i]! - 48);
  return negative ? -value : value;
}
