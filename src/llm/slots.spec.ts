import { Slots, SlotTimeoutError } from './slots';

describe('Slots', () => {
  it('hands out up to the limit at once and queues the rest in order', async () => {
    const slots = new Slots(2);
    const a = await slots.acquire(1000);
    const b = await slots.acquire(1000);
    const order: string[] = [];
    const c = slots.acquire(1000).then((release) => (order.push('c'), release));
    const d = slots.acquire(1000).then((release) => (order.push('d'), release));
    expect(slots.waiting).toBe(2);
    a();
    (await c)();
    b();
    (await d)();
    expect(order).toEqual(['c', 'd']);
    expect(slots.inUse).toBe(0);
  });

  it('gives up when no slot frees up within the wait limit', async () => {
    const slots = new Slots(1);
    const held = await slots.acquire(1000);
    await expect(slots.acquire(20)).rejects.toBeInstanceOf(SlotTimeoutError);
    expect(slots.waiting).toBe(0);
    held();
    expect(slots.inUse).toBe(0);
  });

  it('gives up when the request is aborted while waiting', async () => {
    const slots = new Slots(1);
    const held = await slots.acquire(1000);
    const controller = new AbortController();
    const waiting = slots.acquire(10000, controller.signal);
    controller.abort(new Error('client went away'));
    await expect(waiting).rejects.toThrow('client went away');
    held();
    expect(slots.inUse).toBe(0);
  });

  it('ignores a second release of the same slot', async () => {
    const slots = new Slots(1);
    const release = await slots.acquire(0);
    release();
    release();
    expect(slots.inUse).toBe(0);
  });
});
