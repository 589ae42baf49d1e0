/**
 * The journal's spool file read in pieces: one JSON batch per line, and after a long outage (or a
 * database slower than the proxy for a long time) far more lines than memory should hold at once.
 * Reading it whole to count or replay it could take the proxy down with the very backlog it was
 * keeping safe.
 */
import { closeSync, openSync, readSync, writeSync } from "node:fs";

const CHUNK = 1 << 20;
const NEWLINE = 0x0a;

/** Lines in the file (a last line without its newline counts too). */
export function countLines(path: string): number {
  const fd = openSync(path, "r");
  try {
    const buffer = new Uint8Array(CHUNK);
    let lines = 0;
    let last = NEWLINE;
    for (let read = readSync(fd, buffer, 0, CHUNK, null); read > 0; read = readSync(fd, buffer, 0, CHUNK, null)) {
      for (let i = 0; i < read; i++) if (buffer[i] === NEWLINE) lines++;
      last = buffer[read - 1]!;
    }
    return last === NEWLINE ? lines : lines + 1;
  } finally {
    closeSync(fd);
  }
}

/** Appends the file at `from` to the file at `to` (created if missing), a chunk at a time. */
export function appendFileTo(from: string, to: string): void {
  const source = openSync(from, "r");
  const target = openSync(to, "a");
  try {
    const buffer = new Uint8Array(CHUNK);
    for (let read = readSync(source, buffer, 0, CHUNK, null); read > 0; read = readSync(source, buffer, 0, CHUNK, null)) {
      for (let written = 0; written < read; ) written += writeSync(target, buffer, written, read - written);
    }
  } finally {
    closeSync(source);
    closeSync(target);
  }
}

/** The file's non-empty lines, one at a time, holding only the line being read. */
export async function* readLines(path: string): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of Bun.file(path).stream()) {
    pending += decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let newline = pending.indexOf("\n"); newline >= 0; newline = pending.indexOf("\n", start)) {
      const line = pending.slice(start, newline);
      start = newline + 1;
      if (line) yield line;
    }
    pending = pending.slice(start);
  }
  pending += decoder.decode();
  if (pending) yield pending;
}
