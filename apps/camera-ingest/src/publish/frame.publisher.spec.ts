import type { PutFrameResult, StoredFrame } from '@edgewatch/queues';
import pino from 'pino';
import { describe, expect, it } from 'vitest';

import type { FrameDropReason } from '../capture/camera.metrics';
import { FramePublisher, type FrameSink, type OutgoingFrame } from './frame.publisher';

const silentLogger = pino({ level: 'silent' });

function frame(sequence: number, heartbeat = false): OutgoingFrame {
  return {
    cameraId: 'door',
    sequence,
    capturedAt: 1_000 + sequence,
    jpeg: Buffer.from([sequence]),
    heartbeat,
  };
}

function harness(sink: FrameSink) {
  const sent: OutgoingFrame[] = [];
  const dropped: Record<FrameDropReason, number> = {
    cap: 0,
    redis: 0,
    busy: 0,
    oversize: 0,
    corrupt: 0,
  };
  const publisher = new FramePublisher(
    { cameraId: 'door', logIntervalMs: 60_000 },
    sink,
    {
      onSent: (sentFrame) => sent.push(sentFrame),
      onDropped: (reason, count) => (dropped[reason] += count),
    },
    silentLogger,
  );
  return { publisher, sent, dropped };
}

describe('FramePublisher', () => {
  it(
    'hands the queue frame bytes without the heartbeat flag, ' +
      'and counts the cap drops it reports',
    async () => {
      const added: StoredFrame[] = [];
      const { publisher, sent, dropped } = harness({
        add: async (stored): Promise<PutFrameResult> => {
          added.push(stored);
          return {
            accepted: true,
            droppedSequences: stored.sequence > 2 ? [stored.sequence - 2] : [],
          };
        },
      });

      publisher.publish(frame(1, true));
      await publisher.close();
      const again = harness({ add: async () => ({ accepted: true, droppedSequences: [7, 8] }) });
      again.publisher.publish(frame(9));
      await again.publisher.close();

      expect(added).toEqual([
        { cameraId: 'door', sequence: 1, capturedAt: 1_001, jpeg: Buffer.from([1]) },
      ]);
      expect(sent.map((sentFrame) => sentFrame.heartbeat)).toEqual([true]);
      expect(dropped.cap).toBe(0);
      expect(again.dropped.cap).toBe(2);
    },
  );

  it('keeps one add in flight, drops older waiting frames as busy and never retries', async () => {
    let release: () => void = () => undefined;
    const calls: number[] = [];
    const { publisher, sent, dropped } = harness({
      add: (stored) => {
        calls.push(stored.sequence);
        return new Promise((resolve) => {
          release = () => resolve({ accepted: true, droppedSequences: [] });
        });
      },
    });

    for (let sequence = 1; sequence <= 6; sequence++) publisher.publish(frame(sequence));
    expect(publisher.held).toBe(2);
    release();
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await publisher.close();

    expect(calls).toEqual([1, 6]);
    expect(sent.map((sentFrame) => sentFrame.sequence)).toEqual([1, 6]);
    expect(dropped.busy).toBe(4);
  });

  it('counts a refused add as dropped (redis) and keeps no copy', async () => {
    const { publisher, sent, dropped } = harness({
      add: () =>
        Promise.reject(new Error("Stream isn't writeable and enableOfflineQueue options is false")),
    });
    publisher.publish(frame(1));
    await publisher.close();

    expect(sent).toEqual([]);
    expect(dropped.redis).toBe(1);
    expect(publisher.held).toBe(0);
  });
});
