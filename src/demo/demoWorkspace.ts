// The demo's folders: `.demo/` (embedded PostgreSQL data and logs) and `demo-out/` (what the user
// reads). Every run starts from empty ones. A folder is only ever wiped if the demo made it (it holds
// the marker file) or it is empty, so a mistyped --out can never delete someone's files.
import { promises as fs } from 'node:fs';
import path from 'node:path';

export const MARKER = '.cohortwatch-demo';

export class WorkspaceError extends Error {
  override name = 'WorkspaceError';
}

async function entries(dir: string): Promise<string[] | null> {
  try {
    return await fs.readdir(dir);
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return null;
    throw error;
  }
}

/** Empties `dir` (creating it if needed) and marks it as the demo's. */
export async function freshFolder(dir: string): Promise<string> {
  const absolute = path.resolve(dir);
  const existing = await entries(absolute);
  if (existing !== null && existing.length > 0 && !existing.includes(MARKER)) {
    throw new WorkspaceError(`${absolute} is not empty and was not made by the demo; choose another folder or empty it`);
  }
  if (existing !== null) await fs.rm(absolute, { recursive: true, force: true });
  await fs.mkdir(absolute, { recursive: true });
  await fs.writeFile(path.join(absolute, MARKER), 'Made by `cohortwatch demo`; wiped at the start of each demo run.\n');
  return absolute;
}

/** Every file under `dir`, recursively (paths relative to it), for the final listing and the tests. */
export async function listFiles(dir: string): Promise<string[]> {
  const found = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return found.filter((entry) => entry.isFile() && entry.name !== MARKER)
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name))).sort();
}
