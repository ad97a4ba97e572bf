import { Client, DatabaseError } from 'pg';
import { type TestDatabase, createTestDatabase } from '../../support/test-database';

const TABLES = { code_repositories: 'root', code_files: 'language', code_symbols: 'name' } as const;
const PERMISSION_DENIED = '42501';
const CHECK_VIOLATION = '23514';

describe('code index schema', () => {
  let db: TestDatabase;
  let client: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    client = new Client({ connectionString: db.url });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  /** The SQLSTATE `statement` fails with when `role` runs it, or null; always rolled back. */
  async function sqlstateAs(role: string, statement: string): Promise<string | null> {
    await client.query('begin');
    try {
      await client.query(`set local role ${role}`);
      await client.query(statement);
      return null;
    } catch (error) {
      if (error instanceof DatabaseError) return error.code ?? 'unknown';
      throw error;
    } finally {
      await client.query('rollback');
    }
  }

  async function seed(): Promise<void> {
    await db.pool.query(`
      insert into code_repositories (name, root) values ('seeded', '/srv/seeded') on conflict do nothing;
      insert into code_files (repository, path, language, size_bytes, sha256, lines)
        values ('seeded', 'src/a.ts', 'ts', 10, repeat('a', 64), 1) on conflict do nothing;
      insert into code_symbols (repository, path, name, kind, line, end_line, exported)
        values ('seeded', 'src/a.ts', 'A', 'class', 1, 1, true) on conflict do nothing;`);
  }

  it.each(['anon', 'authenticated'])('gives %s nothing: no read, write or truncate', async (role) => {
    await seed();
    const statements = Object.entries(TABLES).flatMap(([table, column]) => [
      `select * from public.${table}`,
      `insert into public.${table} default values`,
      `update public.${table} set ${column} = ${column}`,
      `delete from public.${table}`,
      `truncate public.${table}`,
    ]);
    const outcomes: [string, string | null][] = [];
    for (const statement of statements) outcomes.push([statement, await sqlstateAs(role, statement)]);
    expect(outcomes).toEqual(statements.map((statement) => [statement, PERMISSION_DENIED]));
  });

  it('lets service_role read and write every table, through its policies even without BYPASSRLS', async () => {
    await seed();
    await client.query('begin');
    try {
      await client.query('alter role service_role nobypassrls');
      await client.query('set local role service_role');
      await client.query(`insert into code_repositories (name, root) values ('as-service', '/srv/x')`);
      await client.query(
        `insert into code_files (repository, path, language, size_bytes, sha256, lines)
         values ('as-service', 'x.ts', 'ts', 1, repeat('b', 64), 1)`,
      );
      await client.query(
        `insert into code_symbols (repository, path, name, kind, line, end_line, exported)
         values ('as-service', 'x.ts', 'x', 'const', 1, 1, false)`,
      );
      const { rows } = await client.query<{ count: string }>('select count(*) from code_symbols');
      expect(Number(rows[0].count)).toBe(2);
    } finally {
      await client.query('rollback');
    }
  });

  it("removes a file's symbols with the file, and a repository's files with the repository", async () => {
    await seed();
    await db.pool.query("delete from code_files where repository = 'seeded' and path = 'src/a.ts'");
    const { rows: symbols } = await db.pool.query("select 1 from code_symbols where repository = 'seeded'");
    expect(symbols).toEqual([]);
    await seed();
    await db.pool.query("delete from code_repositories where name = 'seeded'");
    const { rows: files } = await db.pool.query("select 1 from code_files where repository = 'seeded'");
    expect(files).toEqual([]);
  });

  it.each([
    ['a path outside the root', "'../etc/passwd', 'other', 1, repeat('c', 64), 1"],
    ['an absolute path', "'/etc/passwd', 'other', 1, repeat('c', 64), 1"],
    ['an unknown language', "'a.rb', 'ruby', 1, repeat('c', 64), 1"],
    ['a text file without a hash', "'a.ts', 'ts', 1, null, 1"],
    ['a binary file with lines', "'a.png', 'binary', 1, repeat('c', 64), 3"],
    ['a malformed hash', "'a.ts', 'ts', 1, 'abc', 1"],
  ])('refuses %s', async (_what, values) => {
    await seed();
    const error = await db.pool
      .query(
        `insert into code_files (repository, path, language, size_bytes, sha256, lines) values ('seeded', ${values})`,
      )
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DatabaseError);
    expect((error as DatabaseError).code).toBe(CHECK_VIOLATION);
  });

  it('refuses a symbol of an unknown kind or that ends before it starts', async () => {
    await seed();
    for (const values of ["'B', 'variable', 1, 1", "'C', 'class', 5, 4", "'D', 'class', 0, 1"]) {
      const error = await db.pool
        .query(
          `insert into code_symbols (repository, path, name, kind, line, end_line, exported)
           values ('seeded', 'src/a.ts', ${values}, true)`,
        )
        .catch((caught: unknown) => caught);
      expect((error as DatabaseError).code).toBe(CHECK_VIOLATION);
    }
  });

  it('finds symbols by name through an index', async () => {
    const { rows } = await db.pool.query<{ indexdef: string }>(
      "select indexdef from pg_indexes where tablename = 'code_symbols' and indexname = 'code_symbols_name_idx'",
    );
    expect(rows[0]?.indexdef).toMatch(/\(name, kind\)/);
  });
});
