import { aMessage, at } from './testing/trace-records.builder';
import { groupOf, handlerMs, queueWaitMs } from './trace-timings';

describe(queueWaitMs.name, () => {
  it('is the time from due to claimed for a request', () => {
    expect(queueWaitMs(aMessage({ createdAt: at(0), availableAt: at(100), claimedAt: at(130) }))).toBe(30);
  });

  it('is the time from creation until the requester took it for a reply', () => {
    expect(queueWaitMs(aMessage({ kind: 'reply', createdAt: at(10), claimedAt: at(14), completedAt: at(14) }))).toBe(4);
    expect(queueWaitMs(aMessage({ kind: 'reply', status: 'queued', claimedAt: null, completedAt: null }))).toBeNull();
  });

  it('is unknown while a message waits again after a failed attempt, and for one that expired unclaimed', () => {
    expect(queueWaitMs(aMessage({ status: 'queued', claimedAt: at(5), completedAt: null }))).toBeNull();
    expect(queueWaitMs(aMessage({ status: 'expired', claimedAt: null, completedAt: at(9) }))).toBeNull();
  });
});

describe(handlerMs.name, () => {
  it('is the time from claimed to completed', () => {
    expect(handlerMs(aMessage({ claimedAt: at(12), completedAt: at(57) }))).toBe(45);
  });

  it('is unknown while the handler runs', () => {
    expect(handlerMs(aMessage({ status: 'claimed', claimedAt: at(12), completedAt: null }))).toBeNull();
  });
});

describe(groupOf.name, () => {
  it('drops the instance suffix of a name', () => {
    expect(groupOf('codegen-worker:1a2b3c4d')).toBe('codegen-worker');
    expect(groupOf('codegen-worker')).toBe('codegen-worker');
  });
});
