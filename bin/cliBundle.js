// `cohortwatch stats`, `ingest` and `worker` each from one ES module bundled from its entry
// (src/cli/statsCli.ts, ingestCli.ts, workerCli.ts), instead of through tsx.
//
// Why: tsx resolves and loads every module through loader hooks on a separate thread; for the stats
// command that was ~0.4-0.5 s of CPU before reading the first byte of the CSV, a large share of a
// command users time on million-row files (issue 12); for `ingest` ~1.4 s of CPU, all of it before
// the first event reaches the queue (issue 12, ingest throughput). Why not a build step: a clone must work after
// `npm ci` alone, and a bundle built once goes out of step with the sources the moment one is edited.
// So the bundle is a cache: built here with esbuild (a direct dependency, the version tsx itself runs on: the same
// transform tsx applies file by file), stored in node_modules/.cache/cohortwatch, and used only while every source
// file it was built from has the size and modification time recorded at build; otherwise it is rebuilt
// first (~0.1-0.2 s). Dependencies stay outside the bundle and load from node_modules as usual, but for
// those of INSIDE; their files are stamped as the sources are, so an npm update rebuilds.
// Anything unexpected (no write access, as in the Docker image; esbuild missing) returns null and the
// caller runs the command through tsx as before.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// The commands that have a bundle: entry file under src and the function it exports, called
// with (argv, version).
const ENTRIES = {
  stats: ['cli/statsCli.ts', 'runStatsCli'],
  ingest: ['cli/ingestCli.ts', 'runIngestCli'],
  worker: ['cli/workerCli.ts', 'runWorkerCli'],
};
// Worker-thread entries with a bundle: a thread started through tsx loads and compiles every module of
// the plan again (~1 s of CPU per thread and run, issue 12); from its bundle it reads one file.
const THREAD_ENTRIES = {
  planThread: 'jobs/planThread.ts',
};

/** [size, mtimeMs] of each input, or null if one is missing. */
function stamps(paths) {
  const out = {};
  for (const path of paths) {
    try {
      const s = statSync(path);
      out[path] = [s.size, s.mtimeMs];
    } catch {
      return null;
    }
  }
  return out;
}

function isFresh(manifestPath, bundlePath) {
  try {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    statSync(bundlePath);
    const now = stamps(Object.keys(manifest.inputs));
    if (now === null) return false;
    return Object.entries(manifest.inputs).every(([path, [size, mtime]]) => now[path][0] === size && now[path][1] === mtime);
  } catch {
    return false;
  }
}

/** Changes whenever build()'s options change, so that existing caches are rebuilt. */
export const BUILD_CONFIG = 'inside-2';

// Packages bundled with the sources, all plain JavaScript that reads no file of its own at run time:
// @stdlib (~230 small CommonJS packages), and the ES-module packages bullmq, kysely and zod (~600
// files), which node's ES module loader resolved, read and compiled one by one at every start: ingest
// and worker spent ~0.25 s of their ~0.4 s start-up there. (BullMQ 6 inlines its scripts for bundlers.)
const INSIDE = ['@stdlib/', 'bullmq', 'kysely', 'zod'];
const isInside = (path) => INSIDE.some((name) => (name.endsWith('/') ? path.startsWith(name) : path === name || path.startsWith(`${name}/`)));

const packagesInside = {
  name: 'external-except-inside',
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, (args) => (isInside(args.path) ? undefined : { path: args.path, external: true }));
  },
};

async function build(entry, cacheDir, bundlePath, manifestPath) {
  const esbuild = createRequire(import.meta.url)('esbuild');
  mkdirSync(cacheDir, { recursive: true });
  const started = Date.now();
  const temporary = `${bundlePath}.${process.pid}.tmp`;
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Packages load from node_modules, except those of INSIDE: read as one file (the same code, so the same numbers).
    plugins: [packagesInside],
    // The bundled CommonJS code's require() of the packages left outside (debug) and of node: modules.
    banner: { js: "import { createRequire as createRequireForBundle } from 'node:module'; const require = createRequireForBundle(import.meta.url);" },
    absWorkingDir: root,
    tsconfig: join(root, 'tsconfig.json'),
    outfile: temporary,
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = stamps(Object.keys(result.metafile.inputs).map((path) => resolve(root, path)));
  // A source edited while building: keep the bundle for this run only, rebuild next time.
  const settled = inputs !== null && Object.values(inputs).every(([, mtime]) => mtime < started);
  renameSync(temporary, bundlePath);
  if (settled) {
    const manifestTemporary = `${manifestPath}.${process.pid}.tmp`;
    writeFileSync(manifestTemporary, JSON.stringify({ entry, inputs }));
    renameSync(manifestTemporary, manifestPath);
  } else {
    rmSync(manifestPath, { force: true });
  }
}

/**
 * The function running `command` from its bundle (built first if missing or out of date), or null:
 * no bundle for that command, or use tsx.
 */
export async function loadBundledCli(command) {
  const known = Object.hasOwn(ENTRIES, command) ? ENTRIES[command] : null;
  if (known === null) return null;
  const [file, exported] = known;
  try {
    const run = (await import(pathToFileURL(await freshBundle(command, file)).href))[exported];
    return typeof run === 'function' ? run : null;
  } catch {
    return null;
  }
}

/**
 * The file URL of the up-to-date bundle of a worker-thread entry (built first if missing or out of
 * date), or null: no such entry, bundles turned off (COHORTWATCH_NO_BUNDLE=1) or not buildable here.
 */
export async function bundledThreadEntry(name) {
  if (!Object.hasOwn(THREAD_ENTRIES, name) || process.env.COHORTWATCH_NO_BUNDLE === '1') return null;
  try {
    return pathToFileURL(await freshBundle(name, THREAD_ENTRIES[name]));
  } catch {
    return null;
  }
}

/** The path of the bundle of `file` (under src), rebuilt first unless every input is unchanged. */
async function freshBundle(name, file) {
  const entry = join(root, 'src', file);
  const cacheDir = join(root, 'node_modules', '.cache', 'cohortwatch');
  // One bundle per checkout (worktrees may share node_modules) and per build configuration: a bundle
  // built by an older version of this file is not reused (its stamps cover the sources, not the options).
  const key = createHash('sha256').update(root).update(`\0${BUILD_CONFIG}`).digest('hex').slice(0, 16);
  const bundlePath = join(cacheDir, `${name}-${key}.mjs`);
  const manifestPath = join(cacheDir, `${name}-${key}.json`);
  if (!isFresh(manifestPath, bundlePath)) await build(entry, cacheDir, bundlePath, manifestPath);
  return bundlePath;
}
