import { seededRandom } from './chaos';
import { type ClientTally, type TableAudit, formatTable, percentile, soakFigures, soakVerdict } from './soak-audit';

const cleanClient: ClientTally = {
  sent: 1_000,
  answered: 1_000,
  answeredWithError: 0,
  mismatched: 0,
  unanswered: 0,
  resends: 3,
  workflows: { started: 6, succeeded: 6, failed: 0, unfinished: 0 },
};

const cleanTables: TableAudit = {
  requests: 1_500,
  requestsWithoutReply: 0,
  extraReplies: 0,
  requestsEndedInError: 0,
  sentKeysWithoutRow: 0,
  duplicateKeyRows: 0,
  eventDeliveries: 800,
  eventsDone: 798,
  eventsDeadWithReason: 2,
  eventsEndedWithoutReason: 0,
  unfinishedWork: 0,
  stillClaimed: 0,
  uncollectedClientReplies: 0,
  uncollectedOtherReplies: 4,
  redeliveries: 17,
  workflowRuns: { running: 0, succeeded: 6, failed: 0 },
  duplicateWorkflowRuns: 0,
  stepsDispatchedTwice: 0,
  repeatedEffects: 0,
  stepRestarts: 2,
};

const targets = { messages: 1_000, faults: 10, workflows: 6 };

describe(soakFigures.name, () => {
  it('finds nothing lost, duplicated or stuck in a clean run, whatever the informative counts say', () => {
    const figures = soakFigures(cleanClient, cleanTables);
    expect({ lost: figures.lost, duplicated: figures.duplicated, stuck: figures.stuck }).toEqual({
      lost: 0,
      duplicated: 0,
      stuck: 0,
    });
  });

  it('counts a second reply to one request as duplicated', () => {
    const figures = soakFigures(cleanClient, { ...cleanTables, extraReplies: 1 });
    expect(figures.duplicated).toBe(1);
    expect(figures.duplicatedParts).toMatchObject({ extra_replies: 1 });
  });

  it('counts an event published twice by a re-run handler, and a step dispatched twice, as duplicated', () => {
    const figures = soakFigures(cleanClient, { ...cleanTables, repeatedEffects: 2, stepsDispatchedTwice: 1 });
    expect(figures.duplicated).toBe(3);
  });

  it('counts a row left claimed and a run left running as stuck', () => {
    const figures = soakFigures(cleanClient, {
      ...cleanTables,
      unfinishedWork: 1,
      stillClaimed: 1,
      workflowRuns: { running: 1, succeeded: 5, failed: 0 },
    });
    expect(figures.stuck).toBe(3);
  });

  it('counts unanswered and error-answered requests, a request without reply and a failed workflow as lost', () => {
    const figures = soakFigures(
      { ...cleanClient, unanswered: 1, answeredWithError: 2, workflows: { ...cleanClient.workflows, failed: 1 } },
      { ...cleanTables, requestsWithoutReply: 1, eventsEndedWithoutReason: 1 },
    );
    expect(figures.lost).toBe(6);
    expect(figures.lostParts).toMatchObject({
      client_unanswered: 1,
      client_error_answers: 2,
      requests_without_reply: 1,
      events_ended_without_reason: 1,
      workflows_failed: 1,
    });
  });
});

describe(soakVerdict.name, () => {
  it('passes a clean run that reached every target', () => {
    expect(soakVerdict({ lost: 0, duplicated: 0, stuck: 0 }, targets, targets)).toEqual({ passed: true, reasons: [] });
  });

  it('fails on anything lost, duplicated or stuck, and says what', () => {
    expect(soakVerdict({ lost: 1, duplicated: 2, stuck: 3 }, targets, targets)).toEqual({
      passed: false,
      reasons: ['1 lost', '2 duplicated', '3 stuck'],
    });
  });

  it('fails a clean run that fell short of a target', () => {
    const verdict = soakVerdict({ lost: 0, duplicated: 0, stuck: 0 }, { ...targets, faults: 9 }, targets);
    expect(verdict).toEqual({ passed: false, reasons: ['only 9 of 10 faults injected'] });
  });
});

describe(percentile.name, () => {
  it('is the nearest-rank percentile', () => {
    const samples = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(samples, 90)).toBe(9);
    expect(percentile(samples, 50)).toBe(5);
    expect(percentile(samples, 100)).toBe(10);
    expect(percentile([42], 90)).toBe(42);
  });

  it('is null without samples', () => {
    expect(percentile([], 90)).toBeNull();
  });
});

describe(formatTable.name, () => {
  it('aligns names left and values right inside a ruled box', () => {
    expect(
      formatTable([
        ['messages', 10_000],
        ['p90_ms_under_chaos', null],
      ]),
    ).toBe(
      [
        '+--------------------+-------+',
        '| messages           | 10000 |',
        '| p90_ms_under_chaos |     - |',
        '+--------------------+-------+',
      ].join('\n'),
    );
  });
});

describe(seededRandom.name, () => {
  it('repeats its sequence for a seed, so a soak can be run again with --seed', () => {
    const first = seededRandom(1234);
    const second = seededRandom(1234);
    const draws = Array.from({ length: 5 }, () => first());
    expect(Array.from({ length: 5 }, () => second())).toEqual(draws);
    expect(draws.every((value) => value >= 0 && value < 1)).toBe(true);
    expect(seededRandom(1235)()).not.toBe(draws[0]);
  });
});
