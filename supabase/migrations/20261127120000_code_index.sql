-- The code index of the indexing worker: which files a source tree holds (with a content hash, so
-- a re-index skips what did not change) and which TypeScript/JavaScript symbols they declare.
-- The worker owns these tables; other agents read them. The same file runs on Supabase and on
-- plain (embedded) Postgres.

create table public.code_repositories (
  -- Chosen by the caller of index.repository (or the directory's base name); the same rule as
  -- IndexRepositoryDto.repository.
  name text primary key
    constraint code_repositories_name_format check (name ~ '^[a-zA-Z0-9_.:-]{1,128}$'),
  root text not null
    constraint code_repositories_root_present check (length(root) between 1 and 4096),
  file_count integer not null default 0
    constraint code_repositories_file_count_positive check (file_count >= 0),
  symbol_count integer not null default 0
    constraint code_repositories_symbol_count_positive check (symbol_count >= 0),
  last_indexed_at timestamptz,
  last_trace_id text
    constraint code_repositories_last_trace_id_format check (last_trace_id ~ '^[0-9a-f]{32}$'),
  created_at timestamptz not null default now()
);

comment on table public.code_repositories is
  'One indexed source tree. A name is bound to the directory it was last indexed from.';
comment on column public.code_repositories.root is
  'Real path (symlinks resolved) of the directory last indexed under this name, on the worker''s host.';
comment on column public.code_repositories.last_trace_id is
  'Trace of the last index.repository run that finished: look it up in agent_messages and bus_events.';

create table public.code_files (
  repository text not null
    references public.code_repositories (name) on delete cascade,
  -- Relative to the root, '/'-separated, never starting with '/' or containing '..'.
  path text not null
    constraint code_files_path_relative
      check (length(path) between 1 and 4096 and path !~ '^/' and path !~ '(^|/)\.\.(/|$)'),
  language text not null
    constraint code_files_language_known check (language in (
      'ts', 'tsx', 'js', 'jsx', 'mjs', 'cjs', 'json', 'md', 'sql', 'yaml', 'toml', 'sh', 'css', 'html',
      'other', 'binary', 'large')),
  size_bytes bigint not null
    constraint code_files_size_positive check (size_bytes >= 0),
  -- Files over the size limit are never read, so they have no hash and no line count; binary
  -- files are hashed but have no lines.
  sha256 text
    constraint code_files_sha256_format check (sha256 ~ '^[0-9a-f]{64}$'),
  lines integer
    constraint code_files_lines_positive check (lines >= 0),
  indexed_at timestamptz not null default now(),
  primary key (repository, path),
  constraint code_files_hash_unless_large check ((sha256 is null) = (language = 'large')),
  constraint code_files_lines_unless_opaque check ((lines is null) = (language in ('binary', 'large')))
);

comment on table public.code_files is
  'Files of an indexed tree, as of their last change: a row is rewritten only when the file''s sha256 changes.';
comment on column public.code_files.language is
  'From the extension; ''binary'' (a NUL byte in the first 8 KB) and ''large'' (over 1 MB) files are listed but not parsed.';

create table public.code_symbols (
  repository text not null,
  path text not null,
  name text not null
    constraint code_symbols_name_present check (length(name) between 1 and 512),
  kind text not null
    constraint code_symbols_kind_known check (kind in ('function', 'class', 'interface', 'type', 'enum', 'const')),
  line integer not null
    constraint code_symbols_line_positive check (line >= 1),
  end_line integer not null,
  exported boolean not null,
  -- Leading with (repository, path) serves the cascade from code_files and "the symbols of this
  -- file, in order"; the rest makes a re-run of the same file unable to duplicate a symbol.
  primary key (repository, path, line, kind, name),
  foreign key (repository, path) references public.code_files (repository, path) on delete cascade,
  constraint code_symbols_lines_ordered check (end_line >= line)
);

comment on table public.code_symbols is
  'Top-level TypeScript/JavaScript declarations. line is the line of the declared name (1-based); end_line the line where the declaration ends.';

-- "Where is X declared?" across every repository.
create index code_symbols_name_idx on public.code_symbols (name, kind);

-- "Which repositories hold this path?" (within one repository the primary key serves it).
create index code_files_path_idx on public.code_files (path);

-- Nobody but the service role touches the index, as with the bus (20261127100200_bus_security.sql).
alter table public.code_repositories enable row level security;
alter table public.code_files enable row level security;
alter table public.code_symbols enable row level security;

revoke all on table public.code_repositories, public.code_files, public.code_symbols
  from public, anon, authenticated;

grant select, insert, update, delete on table public.code_repositories, public.code_files,
  public.code_symbols to service_role;

create policy code_repositories_service_role on public.code_repositories
  for all to service_role using (true) with check (true);
create policy code_files_service_role on public.code_files
  for all to service_role using (true) with check (true);
create policy code_symbols_service_role on public.code_symbols
  for all to service_role using (true) with check (true);
