import { deliveryScopedId, runInDelivery } from './delivery-scope';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe(deliveryScopedId.name, () => {
  it('gives a handler run again for the same message the same ids, in the same order', () => {
    const run = (): string[] =>
      runInDelivery('6f1c1b9e-0d7c-4d38-9a4e-3f6f2a1b0c11', () => [
        deliveryScopedId('event:codegen.completed'),
        deliveryScopedId('event:codegen.completed'),
        deliveryScopedId('plan'),
      ]);
    const first = run();
    expect(run()).toEqual(first);
    expect(new Set(first).size).toBe(3);
    for (const id of first) expect(id).toMatch(UUID);
  });

  it('gives another message other ids', () => {
    const a = runInDelivery('a', () => deliveryScopedId('plan'));
    const b = runInDelivery('b', () => deliveryScopedId('plan'));
    expect(a).not.toBe(b);
  });

  it('is random outside a handler', () => {
    expect(deliveryScopedId('plan')).not.toBe(deliveryScopedId('plan'));
  });
});
