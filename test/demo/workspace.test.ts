import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshFolder, MARKER } from '../../src/demo/demoWorkspace.ts';

describe('the demo folders', () => {
  let root: string;
  beforeAll(async () => { root = await mkdtemp(path.join(tmpdir(), 'cw-demo-ws-')); });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('wipes a folder the demo made, and creates a missing one', async () => {
    const out = path.join(root, 'out');
    await freshFolder(out);
    await writeFile(path.join(out, 'old.html'), 'x');
    await freshFolder(out);
    expect(await readdir(out)).toEqual([MARKER]);
  });

  it('refuses to wipe a non-empty folder it did not make, and leaves it as it was', async () => {
    const theirs = path.join(root, 'theirs');
    await mkdir(theirs);
    await writeFile(path.join(theirs, 'thesis.tex'), 'precious');
    await expect(freshFolder(theirs)).rejects.toThrow(/is not empty and was not made by the demo/);
    expect(await readdir(theirs)).toEqual(['thesis.tex']);
  });
});
