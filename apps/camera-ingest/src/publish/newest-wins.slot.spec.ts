import { describe, expect, it } from 'vitest';

import { NewestWinsSlot } from './newest-wins.slot';

/** A slot whose work finishes only when the test says so. */
function manualSlot() {
  const handled: number[] = [];
  const replaced: number[] = [];
  const failed: number[] = [];
  const finishers: Array<() => void> = [];
  const slot = new NewestWinsSlot<number>({
    handle: (item) => {
      handled.push(item);
      return new Promise<void>((resolve) => finishers.push(resolve));
    },
    onReplaced: (item) => replaced.push(item),
    onError: (_error, item) => failed.push(item),
  });
  const finishNext = async () => {
    finishers.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { slot, handled, replaced, failed, finishNext };
}

describe('NewestWinsSlot', () => {
  it('holds one item in progress and only the newest waiting', async () => {
    const { slot, handled, replaced, finishNext } = manualSlot();
    for (let item = 1; item <= 5; item++) slot.offer(item);

    expect(slot.held).toBe(2);
    expect(replaced).toEqual([2, 3, 4]);

    await finishNext();
    expect(handled).toEqual([1, 5]);
    await finishNext();
    expect(slot.busy).toBe(false);
  });

  it('reports a failed item and carries on with the next', async () => {
    const failed: number[] = [];
    const handled: number[] = [];
    const slot = new NewestWinsSlot<number>({
      handle: async (item) => {
        handled.push(item);
        if (item === 1) throw new Error('refused');
      },
      onReplaced: () => undefined,
      onError: (_error, item) => failed.push(item),
    });
    slot.offer(1);
    slot.offer(2);
    await slot.close();

    expect(failed).toEqual([1]);
    expect(handled).toEqual([1]);
  });

  it('on close drops the waiting item as replaced and waits for the one in progress', async () => {
    const { slot, replaced, finishNext } = manualSlot();
    slot.offer(1);
    slot.offer(2);
    const closed = slot.close();
    await finishNext();
    await closed;
    slot.offer(3);

    expect(replaced).toEqual([2, 3]);
  });
});
