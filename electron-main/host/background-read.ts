// A byte range of a file read and checked against its SHA-256 on another thread, handed over without a copy.
// A cold open needs a DAO's fold first and its Y.Doc right after; the doc's state is the biggest part of the
// snapshot (~50 MB at 100,000 records), and reading it into fresh memory costs ~0.2 s on these machines, mostly
// page faults. Read on a worker while this thread takes the fold back, it is there when the doc is built.
//
// The taker waits synchronously (Atomics.wait, then receiveMessageOnPort): the doc is built inside a synchronous
// getter. The worker is inline source (no file of its own to find once bundled) and always raises the flag, so
// a wait ends when it is done or has failed; a worker that never starts is waited for `patienceMs` at most.
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

/** Runs on the worker: reads, checks, posts the bytes (transferred) or null, then raises the flag. */
const workerSource = `
const { workerData } = require('node:worker_threads');
const { closeSync, openSync, readSync } = require('node:fs');
const { createHash } = require('node:crypto');
const { path, offset, length, digest, port, signal } = workerData;
let bytes = null;
try {
  const data = new Uint8Array(length);
  const fd = openSync(path, 'r');
  try {
    let read = 0;
    while (read < length) {
      const n = readSync(fd, data, read, length - read, offset + read);
      if (n === 0) break;
      read += n;
    }
    if (read === length && createHash('sha256').update(data).digest().equals(Buffer.from(digest))) bytes = data;
  } finally {
    closeSync(fd);
  }
} catch {}
try {
  port.postMessage({ bytes }, bytes === null ? [] : [bytes.buffer]);
} catch {}
const flag = new Int32Array(signal);
Atomics.store(flag, 0, 1);
Atomics.notify(flag, 0);
`;

export type BackgroundRead = {
  /**
   * The bytes, if the worker read them whole and their SHA-256 is the one given; null otherwise (gone, short,
   * damaged, or no worker could run: the caller reads them itself). Waits for the worker if it is not done.
   * Once only: later calls give null.
   */
  take(): Uint8Array | null;
};

/** How long take() waits for a worker at most; it reads 50 MB in a fraction of a second. */
const patienceMs = 10_000;

/** Starts reading bytes [offset, offset + length) of `path` on a worker thread. */
export function readInBackground(path: string, offset: number, length: number, digest: Uint8Array): BackgroundRead {
  const signal = new SharedArrayBuffer(4);
  const flag = new Int32Array(signal);
  let port: MessagePort | null = null;
  try {
    const channel = new MessageChannel();
    port = channel.port1;
    const worker = new Worker(workerSource, {
      eval: true,
      workerData: { path, offset, length, digest: Uint8Array.from(digest), port: channel.port2, signal },
      transferList: [channel.port2],
    });
    worker.unref();
    worker.on('error', () => {}); // take() finds no bytes and the caller reads them itself
  } catch {
    port?.close();
    port = null;
  }
  return {
    take() {
      if (port === null) return null;
      const taken = port;
      port = null;
      try {
        Atomics.wait(flag, 0, 0, patienceMs);
        const received = receiveMessageOnPort(taken) as { message: { bytes: Uint8Array | null } } | undefined;
        return received?.message.bytes ?? null;
      } finally {
        taken.close();
      }
    },
  };
}
