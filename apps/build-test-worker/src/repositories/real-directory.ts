import { lstat, mkdir, rm } from 'node:fs/promises';

/**
 * Makes `path` a real directory. Whatever else is there — a symlink the sandboxed code planted
 * to redirect the worker's writes elsewhere, or a plain file — is removed first (the link
 * itself, never its target).
 */
export async function ensureRealDirectory(path: string): Promise<void> {
  const existing = await lstat(path).catch(() => undefined);
  if (existing?.isDirectory()) return;
  if (existing) await rm(path, { force: true });
  await mkdir(path, { recursive: true });
}
