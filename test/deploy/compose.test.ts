// Issue 9, item 8: docker-compose.yml describes a deployment a registry's IT would accept. Docker is
// not on this machine, so the file is parsed (YAML, with compose's merge keys) and its required keys
// checked: the image is built from the Dockerfile, healthchecks and restart policies, secrets from .env
// with no default password, PostgreSQL and Redis unpublished, Redis with a password, a reports volume.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { envSchema } from '../../src/config/env.ts';

const repo = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(repo, file), 'utf8');

interface Service {
  image?: string;
  build?: string | { context: string };
  command?: string[];
  env_file?: string | string[];
  environment?: Record<string, string>;
  ports?: string[];
  healthcheck?: { test: string[] };
  restart?: string;
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  profiles?: string[];
}
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const { services } = compose;

describe('docker-compose.yml', () => {
  it('runs worker, scheduler and a one-shot migrate from the image built by the Dockerfile, plus a dev demo', () => {
    for (const name of ['migrate', 'worker', 'scheduler', 'demo']) {
      expect(services[name].build, name).toBe('.');
      expect(services[name].image, name).toBe('cohortwatch:latest');
    }
    expect(services.migrate.command).toEqual(['migrate']);
    expect(services.migrate.restart).toBe('no');
    expect(services.worker.command).toEqual(['worker']);
    expect(services.scheduler.command).toEqual(['scheduler', '--report-dir', '/reports']);
    expect(services.demo.profiles).toEqual(['demo']);
    for (const name of ['worker', 'scheduler']) {
      expect(services[name].depends_on?.migrate).toEqual({ condition: 'service_completed_successfully' });
      expect(services[name].restart).toBe('unless-stopped');
      expect(services[name].volumes).toContain('reports:/reports');
    }
    expect(services.migrate.depends_on?.postgres).toEqual({ condition: 'service_healthy' });
    expect(compose.volumes).toHaveProperty('reports');
  });

  it('has a healthcheck and a restart policy on every long-running service', () => {
    for (const name of ['postgres', 'redis', 'worker', 'scheduler', 'serve']) {
      expect(services[name].healthcheck?.test.length, name).toBeGreaterThan(1);
      expect(services[name].restart, name).toBe('unless-stopped');
    }
    expect(services.worker.healthcheck?.test.join(' ')).toContain('http://127.0.0.1:9464/healthz');
    expect(services.scheduler.healthcheck?.test.join(' ')).toContain('http://127.0.0.1:9465/healthz');
  });

  it('publishes neither PostgreSQL nor Redis, and nothing else beyond localhost', () => {
    expect(services.postgres.ports).toBeUndefined();
    expect(services.redis.ports).toBeUndefined();
    for (const [name, service] of Object.entries(services)) {
      for (const port of service.ports ?? []) expect(port, name).toMatch(/^127\.0\.0\.1:/);
    }
  });

  it('takes secrets from .env, with no default password anywhere', () => {
    const text = read('docker-compose.yml');
    for (const name of ['migrate', 'worker', 'scheduler', 'demo']) expect(services[name].env_file, name).toBe('.env');
    // ${VAR:?message} refuses to start without it; ${VAR:-default} would be a default password.
    expect(text).not.toMatch(/PASSWORD:-/);
    expect(text).toMatch(/\$\{POSTGRES_PASSWORD:\?/);
    expect(services.postgres.environment?.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?/);
    expect(services.worker.environment?.DATABASE_URL).toMatch(/^postgres:\/\/cohortwatch:\$\{POSTGRES_PASSWORD:\?[^}]*\}@postgres:5432\/cohortwatch$/);
    expect(services.worker.environment?.REDIS_URL).toMatch(/^redis:\/\/:\$\{REDIS_PASSWORD:\?[^}]*\}@redis:6379$/);
    expect(services.redis.command?.join(' ')).toContain('--requirepass "$$REDIS_PASSWORD"');
    const example = read('.env.example');
    expect(example).toMatch(/^POSTGRES_PASSWORD=$/m);
    expect(example).toMatch(/^REDIS_PASSWORD=$/m);
  });

  it('.env.example names only variables the services read', () => {
    const known = new Set([...Object.keys(envSchema.shape), 'POSTGRES_PASSWORD', 'REDIS_PASSWORD']);
    const names = read('.env.example').split('\n').filter((l) => /^[A-Z_]+=/.test(l)).map((l) => l.slice(0, l.indexOf('=')));
    expect(names.length).toBeGreaterThan(4);
    for (const name of names) expect(known, name).toContain(name);
  });

  it('has mailpit as the development inbox', () => {
    expect(services.mailpit.image).toMatch(/^axllent\/mailpit:v\d/);
  });

  it('serves the HTTP API and dashboard on this host only, with SESSION_SECRET from .env and a health check', () => {
    const serve = services.serve;
    expect(serve.build).toBe('.');
    expect(serve.image).toBe('cohortwatch:latest');
    expect(serve.command).toEqual(['serve', '--reports-dir', '/reports']);
    expect(serve.env_file).toBe('.env');
    expect(serve.ports).toEqual(['127.0.0.1:8080:8080']);
    // Inside the container it must listen beyond loopback, or the published port reaches nothing.
    expect(serve.environment?.HTTP_HOST).toBe('0.0.0.0');
    expect(serve.environment?.HTTP_PORT).toBe('8080');
    expect(serve.environment?.SESSION_SECRET).toMatch(/^\$\{SESSION_SECRET:\?[^}]*\}$/);
    expect(serve.environment?.DATABASE_URL).toBe(services.worker.environment?.DATABASE_URL);
    expect(serve.environment?.REDIS_URL).toBe(services.worker.environment?.REDIS_URL);
    expect(serve.healthcheck?.test.join(' ')).toContain('http://127.0.0.1:8080/api/v1/health');
    expect(serve.restart).toBe('unless-stopped');
    expect(serve.volumes).toContain('reports:/reports');
    expect(serve.depends_on?.migrate).toEqual({ condition: 'service_completed_successfully' });
    expect(serve.depends_on?.redis).toEqual({ condition: 'service_healthy' });
    expect(read('.env.example')).toMatch(/^SESSION_SECRET=$/m);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  it('is multi-stage, installs production dependencies only, and runs as an unprivileged user with Debian chromium', () => {
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^RUN npm ci --omit=dev/m);
    expect(dockerfile).toMatch(/^COPY --from=deps \/app\/node_modules/m);
    expect(dockerfile).toMatch(/apt-get install -y --no-install-recommends chromium/);
    expect(dockerfile).toMatch(/^USER cohortwatch$/m);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["tini", "--", "\/app\/bin\/cohortwatch\.js"\]$/m);
  });

  it('runs bin/cohortwatch.js as an executable, which starts node with the options of its #! line', () => {
    expect(statSync(path.join(repo, 'bin/cohortwatch.js')).mode & 0o111).not.toBe(0);
    expect(read('bin/cohortwatch.js').split('\n')[0]).toBe('#!/usr/bin/env -S node --max-semi-space-size=64');
    const run = spawnSync(path.join(repo, 'bin/cohortwatch.js'), ['--version'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe((JSON.parse(read('package.json')) as { version: string }).version);
  });

  it('has every runtime dependency of bin/cohortwatch.js in dependencies (npm ci --omit=dev drops the rest)', () => {
    const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    expect(pkg.dependencies).toHaveProperty('tsx');
    expect(read('bin/cohortwatch.js')).toMatch(/from 'tsx\/esm\/api'|import\('tsx\/esm\/api'\)/);
    expect(pkg.devDependencies).not.toHaveProperty('tsx');
  });

  it('.dockerignore keeps secrets, dependencies and outputs out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');
    for (const entry of ['.env', 'node_modules', '.git', 'demo-out', '.demo']) expect(ignored).toContain(entry);
  });
});
