import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { decodeSnapshot, encodeSnapshot, shareBytes } from '../../src/models/snapshot.js';

const snapshot = {
  model: 'outer',
  params: { a: 1 },
  arrays: { ints: Int32Array.from([1, 2, 3]), floats: Float32Array.from([0.5, 1.5]) },
  parts: [{ model: 'inner', params: {}, arrays: { doubles: Float64Array.from([Math.PI, -1, 7]) } }],
};

describe('model snapshots in shared memory', () => {
  it('decode in place from shared bytes, equal to the copying decode', () => {
    const bytes = encodeSnapshot(snapshot);
    const copied = decodeSnapshot(bytes);
    const shared = decodeSnapshot(shareBytes(bytes));
    expect(Array.from(shared.arrays.ints!)).toEqual([1, 2, 3]);
    expect(Array.from(shared.parts![0]!.arrays.doubles!)).toEqual(Array.from(copied.parts![0]!.arrays.doubles!));
    expect(Array.from(shared.arrays.floats!)).toEqual(Array.from(copied.arrays.floats!));
    expect(shared.arrays.ints!.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(copied.arrays.ints!.buffer).not.toBeInstanceOf(SharedArrayBuffer);
  });

  it('are one copy for every thread: a write in one is read in another', async () => {
    const bytes = shareBytes(encodeSnapshot(snapshot));
    const ints = decodeSnapshot(bytes).arrays.ints!;
    // A worker receives the same shared bytes and writes through its own decode's view.
    const worker = new Worker(
      `const { parentPort } = require('node:worker_threads');
       parentPort.once('message', (bytes) => {
         const view = new DataView(bytes.buffer, bytes.byteOffset);
         const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + view.getUint32(8, true))));
         const entry = header.arrays.find((a) => a.name === 'ints');
         new Int32Array(bytes.buffer, bytes.byteOffset + 12 + view.getUint32(8, true) + entry.offset, entry.length)[1] = 42;
         parentPort.postMessage('done');
       });`,
      { eval: true },
    );
    worker.postMessage(bytes);
    await new Promise((resolve) => worker.once('message', resolve));
    await worker.terminate();
    expect(ints[1]).toBe(42);
  });
});
