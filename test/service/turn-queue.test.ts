import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { TurnQueue } from '../../src/service/turn-queue.js';

describe('TurnQueue', () => {
  it('resumes waiting tasks in order, one per event-loop turn, with the I/O that arrived meanwhile between them', async () => {
    const turns = new TurnQueue();
    const log: string[] = [];
    // A message port, as a feed worker's answers reach the main thread: delivered in the poll phase.
    const { port1, port2 } = new MessageChannel();
    port2.on('message', (name: string) => log.push(`after ${name}`));
    const task = async (name: string) => {
      await turns.next();
      log.push(name);
      // What arrives while this task runs is handled before the next task resumes.
      port1.postMessage(name);
    };
    await Promise.all([task('a'), task('b'), task('c')]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    port1.close();
    expect(log).toEqual(['a', 'after a', 'b', 'after b', 'c', 'after c']);
    expect(turns.size).toBe(0);
  });

  it('lets a task that asks later wait behind the ones already waiting', async () => {
    const turns = new TurnQueue();
    const order: number[] = [];
    const first = turns.next().then(() => order.push(1));
    const second = turns.next().then(() => order.push(2));
    await first;
    const third = turns.next().then(() => order.push(3));
    await Promise.all([second, third]);
    expect(order).toEqual([1, 2, 3]);
  });
});
