import {
  type Advisory,
  type AuditException,
  AuditExceptionsError,
  EXIT,
  judge,
  parseAuditOutput,
  parseExceptions,
  renderTable,
} from './audit-prod';

/**
 * What npm 11 prints for `npm audit --omit=dev --json`, in the shape of arborist's
 * `AuditReport.toJSON()`: body-parser carries its own advisory and one inherited through a
 * dependency name; express is vulnerable only through body-parser and path-to-regexp. The ids and
 * titles are real advisories against old versions (none of them installed here); source numbers
 * and severities are made up for the test.
 */
const REPORT_WITH_ADVISORIES = JSON.stringify({
  auditReportVersion: 2,
  vulnerabilities: {
    'body-parser': {
      name: 'body-parser',
      severity: 'high',
      isDirect: false,
      via: [
        {
          source: 1099520,
          name: 'body-parser',
          dependency: 'body-parser',
          title: 'body-parser vulnerable to denial of service when url encoding is enabled',
          url: 'https://github.com/advisories/GHSA-qwcr-r2fm-qrc7',
          severity: 'high',
          cwe: ['CWE-405'],
          cvss: { score: 7.5, vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H' },
          range: '<1.20.3',
        },
        'qs',
      ],
      effects: ['express'],
      range: '<1.20.3',
      nodes: ['node_modules/body-parser'],
      fixAvailable: { name: 'express', version: '4.21.2', isSemVerMajor: false },
    },
    express: {
      name: 'express',
      severity: 'high',
      isDirect: true,
      via: ['body-parser', 'path-to-regexp'],
      effects: [],
      range: '<=4.21.1',
      nodes: ['node_modules/express'],
      fixAvailable: { name: 'express', version: '4.21.2', isSemVerMajor: false },
    },
    'path-to-regexp': {
      name: 'path-to-regexp',
      severity: 'critical',
      isDirect: false,
      via: [
        {
          source: 1101850,
          name: 'path-to-regexp',
          dependency: 'path-to-regexp',
          title: 'path-to-regexp outputs backtracking regular expressions',
          url: 'https://github.com/advisories/GHSA-9wv6-86v2-598j',
          severity: 'critical',
          cwe: ['CWE-1333'],
          cvss: { score: 0, vectorString: null },
          range: '<0.1.10',
        },
      ],
      effects: ['express'],
      range: '<0.1.10',
      nodes: ['node_modules/path-to-regexp'],
      fixAvailable: true,
    },
    qs: {
      name: 'qs',
      severity: 'moderate',
      isDirect: false,
      via: [
        {
          source: 1096470,
          name: 'qs',
          dependency: 'qs',
          title: 'qs vulnerable to Prototype Pollution',
          url: 'https://github.com/advisories/GHSA-hrpp-h998-j3pp',
          severity: 'moderate',
          cwe: ['CWE-1321'],
          cvss: { score: 6.5, vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H' },
          range: '<6.10.3',
        },
      ],
      effects: ['body-parser'],
      range: '<6.10.3',
      nodes: ['node_modules/qs'],
      fixAvailable: true,
    },
  },
  metadata: {
    vulnerabilities: { info: 0, low: 0, moderate: 1, high: 2, critical: 1, total: 4 },
    dependencies: { prod: 143, dev: 0, optional: 2, peer: 0, peerOptional: 0, total: 144 },
  },
});

const CLEAN_REPORT = JSON.stringify({
  auditReportVersion: 2,
  vulnerabilities: {},
  metadata: {
    vulnerabilities: { info: 0, low: 0, moderate: 0, high: 0, critical: 0, total: 0 },
    dependencies: { prod: 143, dev: 0, optional: 2, peer: 0, peerOptional: 0, total: 144 },
  },
});

/** Recorded from this project's sandbox: a registry mirror that refuses the bulk advisory POST. */
const ENDPOINT_REFUSED = JSON.stringify({
  message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
  method: 'POST',
  uri: 'https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
  headers: { allow: ['GET,HEAD'], 'content-length': ['0'], 'x-fetch-attempts': ['1'] },
  statusCode: 405,
  body: '',
  error: { summary: '', detail: '' },
});
const ENDPOINT_REFUSED_STDERR =
  'npm warn audit 405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk\n' +
  'npm error audit endpoint returned an error\n';

/** npm's JSON error for a failure with a code (`{error: {code, summary, detail}}`). */
const offline = (code: string): string =>
  JSON.stringify({
    error: { code, summary: `request to https://registry.npmjs.org failed, reason: ${code}`, detail: '' },
  });

const TODAY = new Date('2026-11-27T12:00:00Z');

function advisoriesOf(stdout: string): readonly Advisory[] {
  const outcome = parseAuditOutput(stdout);
  if (outcome.kind !== 'report') throw new Error(`expected a report, got ${outcome.kind}: ${outcome.reason}`);
  return outcome.advisories;
}

function anException(overrides: Partial<AuditException> = {}): AuditException {
  return {
    id: 'GHSA-9wv6-86v2-598j',
    package: 'path-to-regexp',
    reason: 'Only reachable through routes with two parameters in one segment; we have none.',
    expires: '2026-12-31',
    ...overrides,
  };
}

describe('parseAuditOutput', () => {
  it('reads each advisory object of a via list once, with its GHSA id, and leaves dependency names as effects', () => {
    const outcome = parseAuditOutput(REPORT_WITH_ADVISORIES);

    expect(outcome).toEqual({
      kind: 'report',
      dependencies: 143,
      advisories: [
        expect.objectContaining({
          id: 'GHSA-9wv6-86v2-598j',
          source: 1101850,
          package: 'path-to-regexp',
          severity: 'critical',
          range: '<0.1.10',
          nodes: ['node_modules/path-to-regexp'],
          effects: ['express'],
        }),
        expect.objectContaining({ id: 'GHSA-qwcr-r2fm-qrc7', package: 'body-parser', severity: 'high' }),
        expect.objectContaining({ id: 'GHSA-hrpp-h998-j3pp', package: 'qs', severity: 'moderate' }),
      ],
    });
  });

  it('reads a report without advisories as a clean report', () => {
    expect(parseAuditOutput(CLEAN_REPORT)).toEqual({ kind: 'report', advisories: [], dependencies: 143 });
  });

  it('falls back to npm:<source> when an advisory has no GHSA link', () => {
    const report = JSON.parse(REPORT_WITH_ADVISORIES) as { vulnerabilities: { qs: { via: { url: string }[] } } };
    report.vulnerabilities.qs.via[0].url = 'https://npmjs.com/advisories/1096470';

    expect(advisoriesOf(JSON.stringify(report)).find((advisory) => advisory.package === 'qs')?.id).toBe('npm:1096470');
  });

  it('tells an unreachable advisory endpoint (an HTTP refusal, as recorded here) from a report', () => {
    expect(parseAuditOutput(ENDPOINT_REFUSED, ENDPOINT_REFUSED_STDERR)).toEqual({
      kind: 'unreachable',
      reason: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
    });
  });

  it.each(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ETIMEDOUT', 'E503'])(
    'reads the network error %s as unreachable',
    (code) => {
      expect(parseAuditOutput(offline(code))).toMatchObject({
        kind: 'unreachable',
        reason: expect.stringContaining(code) as unknown,
      });
    },
  );

  it('reads the endpoint error from stderr when stdout is empty', () => {
    expect(parseAuditOutput('', ENDPOINT_REFUSED_STDERR)).toMatchObject({ kind: 'unreachable' });
  });

  it('reports other failures and foreign output as not understood, never as clean', () => {
    expect(parseAuditOutput(offline('ENOLOCK'))).toEqual({
      kind: 'unrecognised',
      reason: 'npm audit failed with ENOLOCK: request to https://registry.npmjs.org failed, reason: ENOLOCK',
    });
    expect(parseAuditOutput('found 0 vulnerabilities')).toMatchObject({ kind: 'unrecognised' });
    expect(parseAuditOutput(JSON.stringify({ auditReportVersion: 1, advisories: {} }))).toMatchObject({
      kind: 'unrecognised',
    });
    expect(parseAuditOutput('')).toMatchObject({ kind: 'unrecognised' });
  });
});

describe('judge', () => {
  it('fails on every high and critical advisory that no exception explains', () => {
    const verdict = judge(advisoriesOf(REPORT_WITH_ADVISORIES), [], TODAY);

    expect(verdict.exitCode).toBe(EXIT.vulnerable);
    expect(verdict.judged.map(({ advisory, status }) => [advisory.package, status])).toEqual([
      ['path-to-regexp', 'blocking'],
      ['body-parser', 'blocking'],
      ['qs', 'below threshold'],
    ]);
  });

  it('passes when each blocking advisory has an unexpired exception for the same id and package', () => {
    const exceptions = [
      anException(),
      anException({ id: 'GHSA-QWCR-R2FM-QRC7', package: 'body-parser', expires: '2026-11-27' }),
    ];

    const verdict = judge(advisoriesOf(REPORT_WITH_ADVISORIES), exceptions, TODAY);

    expect(verdict.exitCode).toBe(EXIT.ok);
    expect(verdict.judged.map(({ status }) => status)).toEqual(['excepted', 'excepted', 'below threshold']);
    expect(verdict.unusedExceptions).toEqual([]);
  });

  it('accepts the npm advisory number as the id', () => {
    const verdict = judge(advisoriesOf(REPORT_WITH_ADVISORIES), [anException({ id: '1101850' })], TODAY);

    expect(verdict.judged[0].status).toBe('excepted');
  });

  it('fails again once an exception has expired', () => {
    const verdict = judge(
      advisoriesOf(REPORT_WITH_ADVISORIES),
      [anException({ expires: '2026-11-26' }), anException({ id: 'GHSA-qwcr-r2fm-qrc7', package: 'body-parser' })],
      TODAY,
    );

    expect(verdict.exitCode).toBe(EXIT.vulnerable);
    expect(verdict.judged[0]).toMatchObject({ status: 'exception expired', exception: { expires: '2026-11-26' } });
  });

  it('does not let an exception for one package excuse the same advisory in another', () => {
    const verdict = judge(advisoriesOf(REPORT_WITH_ADVISORIES), [anException({ package: 'express' })], TODAY);

    expect(verdict.judged[0].status).toBe('blocking');
    expect(verdict.unusedExceptions).toEqual([anException({ package: 'express' })]);
  });

  it('passes a clean report and lists exceptions that no longer match anything', () => {
    const verdict = judge(advisoriesOf(CLEAN_REPORT), [anException()], TODAY);

    expect(verdict).toEqual({ judged: [], unusedExceptions: [anException()], exitCode: EXIT.ok });
  });
});

describe('parseExceptions', () => {
  it('reads an empty list and a valid entry', () => {
    expect(parseExceptions('[]')).toEqual([]);
    expect(parseExceptions(JSON.stringify([anException()]))).toEqual([anException()]);
  });

  it('lists every problem at once', () => {
    const text = JSON.stringify([
      { id: 'CVE-2024-1', package: '', reason: 'n/a', expires: '2026-02-30' },
      'GHSA-9wv6-86v2-598j',
    ]);

    expect(() => parseExceptions(text)).toThrow(AuditExceptionsError);
    expect(() => parseExceptions(text)).toThrow(
      [
        'audit-exceptions.json is invalid:',
        '  entry 0: id must be a GHSA id (GHSA-xxxx-xxxx-xxxx) or an npm advisory number',
        '  entry 0: package must name the package',
        '  entry 0: reason must say why the advisory does not apply or cannot be fixed yet (20+ characters)',
        '  entry 0: expires must be a date, YYYY-MM-DD',
        '  entry 1 is not an object',
      ].join('\n'),
    );
  });

  it('refuses a file that is not a JSON array', () => {
    expect(() => parseExceptions('{"exceptions": []}')).toThrow(/must be an array/);
    expect(() => parseExceptions('[')).toThrow(/is not valid JSON/);
  });
});

describe('renderTable', () => {
  it('prints one aligned row per advisory with its status and the exception expiry', () => {
    const verdict = judge(advisoriesOf(REPORT_WITH_ADVISORIES), [anException()], TODAY);

    expect(renderTable(verdict.judged).split('\n')).toEqual([
      'severity  package         advisory             vulnerable  status                       title',
      '--------  --------------  -------------------  ----------  ---------------------------  ' + '-'.repeat(72),
      'critical  path-to-regexp  GHSA-9wv6-86v2-598j  <0.1.10     excepted (until 2026-12-31)  path-to-regexp outputs backtracking regular expressions',
      'high      body-parser     GHSA-qwcr-r2fm-qrc7  <1.20.3     blocking                     body-parser vulnerable to denial of service when url encoding is enabled',
      'moderate  qs              GHSA-hrpp-h998-j3pp  <6.10.3     below threshold              qs vulnerable to Prototype Pollution',
      '',
    ]);
  });

  it('says so when there is nothing to show', () => {
    expect(renderTable([])).toBe('No advisories affect the production dependencies.\n');
  });
});
