import { Inject, Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { PG_POOL } from '@cogo/store';
import type { IndexedFile, StoredFile } from '../interfaces/indexed-file.interface';
import type { FileLanguage } from '../source/language.detector';

/** Held while one run indexes a repository; `release` it when the run ends, however it ends. */
export interface CodeIndexLock {
  release(): Promise<void>;
}

export interface RepositoryTotals {
  readonly files: number;
  readonly symbols: number;
}

/** The code index tables (`code_repositories`, `code_files`, `code_symbols`). Every statement is parameterised. */
@Injectable()
export class CodeIndexRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /**
   * Takes the repository's advisory lock on a connection of its own, or answers undefined when
   * another run holds it. It is a session lock: if this process dies, Postgres drops the
   * connection and the lock with it.
   */
  async lock(repository: string): Promise<CodeIndexLock | undefined> {
    const key = `code_index:${repository}`;
    const client = await this.pool.connect();
    try {
      const { rows } = await client.query<{ locked: boolean }>(
        'select pg_try_advisory_lock(hashtextextended($1, 0)) as locked',
        [key],
      );
      if (!rows[0]?.locked) {
        client.release();
        return undefined;
      }
    } catch (error) {
      client.release(true);
      throw error;
    }
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        try {
          await client.query('select pg_advisory_unlock(hashtextextended($1, 0))', [key]);
          client.release();
        } catch {
          // Closing the session drops its locks: the next run is not blocked.
          client.release(true);
        }
      },
    };
  }

  /** Creates the repository, or points an existing one at `root`. */
  async saveRepository(name: string, root: string): Promise<void> {
    await this.pool.query(
      `insert into public.code_repositories (name, root) values ($1, $2)
       on conflict (name) do update set root = excluded.root`,
      [name, root],
    );
  }

  async storedFiles(repository: string): Promise<Map<string, StoredFile>> {
    const { rows } = await this.pool.query<{
      path: string;
      language: FileLanguage;
      size_bytes: string;
      sha256: string | null;
    }>('select path, language, size_bytes, sha256 from public.code_files where repository = $1', [repository]);
    return new Map(
      rows.map((row) => [row.path, { language: row.language, sizeBytes: Number(row.size_bytes), sha256: row.sha256 }]),
    );
  }

  /**
   * Writes `files` and replaces their symbols, all in one transaction: a file's row and its
   * symbols change together or not at all, so a crash never leaves a new hash over old symbols
   * (which the next run would then skip as unchanged).
   */
  async writeFiles(repository: string, files: readonly IndexedFile[]): Promise<void> {
    if (files.length === 0) return;
    const paths = files.map((file) => file.path);
    const symbols = files.flatMap((file) => file.symbols.map((symbol) => ({ path: file.path, ...symbol })));
    await this.transaction(async (client) => {
      await client.query(
        `insert into public.code_files (repository, path, language, size_bytes, sha256, lines, indexed_at)
         select $1, f.path, f.language, f.size_bytes, f.sha256, f.lines, now()
         from unnest($2::text[], $3::text[], $4::bigint[], $5::text[], $6::integer[])
           as f (path, language, size_bytes, sha256, lines)
         on conflict (repository, path) do update set
           language = excluded.language,
           size_bytes = excluded.size_bytes,
           sha256 = excluded.sha256,
           lines = excluded.lines,
           indexed_at = excluded.indexed_at`,
        [
          repository,
          paths,
          files.map((file) => file.language),
          files.map((file) => file.sizeBytes),
          files.map((file) => file.sha256),
          files.map((file) => file.lines),
        ],
      );
      await client.query('delete from public.code_symbols where repository = $1 and path = any ($2::text[])', [
        repository,
        paths,
      ]);
      if (symbols.length === 0) return;
      // A name declared twice on one line with the same kind (`interface A {} interface A {}`)
      // is one symbol.
      await client.query(
        `insert into public.code_symbols (repository, path, name, kind, line, end_line, exported)
         select $1, s.path, s.name, s.kind, s.line, s.end_line, s.exported
         from unnest($2::text[], $3::text[], $4::text[], $5::integer[], $6::integer[], $7::boolean[])
           as s (path, name, kind, line, end_line, exported)
         on conflict do nothing`,
        [
          repository,
          symbols.map((symbol) => symbol.path),
          symbols.map((symbol) => symbol.name),
          symbols.map((symbol) => symbol.kind),
          symbols.map((symbol) => symbol.line),
          symbols.map((symbol) => symbol.endLine),
          symbols.map((symbol) => symbol.exported),
        ],
      );
    });
  }

  /** Removes files (their symbols go with them) in one transaction; answers how many were there. */
  async deleteFiles(repository: string, paths: readonly string[]): Promise<number> {
    if (paths.length === 0) return 0;
    const result = await this.pool.query(
      'delete from public.code_files where repository = $1 and path = any ($2::text[])',
      [repository, paths],
    );
    return result.rowCount ?? 0;
  }

  /** Records that a run finished: the repository's totals, when, and in which trace. */
  async finishRun(repository: string, traceId: string): Promise<RepositoryTotals> {
    const { rows } = await this.pool.query<{ file_count: number; symbol_count: number }>(
      `update public.code_repositories r set
         file_count = (select count(*) from public.code_files f where f.repository = r.name),
         symbol_count = (select count(*) from public.code_symbols s where s.repository = r.name),
         last_indexed_at = now(),
         last_trace_id = $2
       where r.name = $1
       returning r.file_count, r.symbol_count`,
      [repository, traceId],
    );
    return { files: rows[0]?.file_count ?? 0, symbols: rows[0]?.symbol_count ?? 0 };
  }

  private async transaction(work: (client: PoolClient) => Promise<void>): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      await work(client);
      await client.query('commit');
    } catch (error) {
      // A connection that failed mid-transaction may be broken: destroy it rather than reuse it.
      await client.query('rollback').catch(() => undefined);
      client.release(true);
      throw error;
    }
    client.release();
  }
}
