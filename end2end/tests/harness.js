// Starts the real `sanzhi` server on a free port with its own temporary SQLite database, and
// Debian's Chromium through playwright-core. Never a downloaded browser.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

export const ROOT = resolve(import.meta.dirname, '..', '..');

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

async function waitForHealth(base, child, log) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`server exited with ${child.exitCode}:\n${log.join('')}`);
    }
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server did not become healthy:\n${log.join('')}`);
}

/// The accounts every test server has, made the way an operator makes them: `sanzhi seed`,
/// then `sanzhi user add … --password-stdin`.
export const PASSWORD = 'e2e-password-123';
export const ACCOUNTS = [
  ['e2e-admin', 'admin', []],
  ['e2e-leader', 'leader', []],
  ['e2e-air', 'coordinator', ['--plan', 'air']],
  ['e2e-water', 'coordinator', ['--plan', 'water']],
  ['e2e-soil', 'coordinator', ['--plan', 'soil']],
  ['e2e-hbj', 'reporter', ['--unit', '市环保局']],
  ['e2e-kaihua', 'reporter', ['--unit', '开化县政府']],
  ['e2e-zsb', 'reporter', ['--unit', '市治水办']],
];

function run(bin, args, env, input) {
  return new Promise((ok, fail) => {
    const child = spawn(bin, args, { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? ok(out) : fail(new Error(`${args.join(' ')}: ${out}`))));
    child.stdin.end(input ?? '');
  });
}

export async function startServer(args = ['serve']) {
  const bin = process.env.SANZHI_BIN;
  if (!bin) throw new Error('SANZHI_BIN must point at the release sanzhi binary');
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'sanzhi-e2e-'));
  const base = `http://127.0.0.1:${port}`;
  const log = [];
  const env = { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'e2e.db')}`, RUST_LOG: 'warn' };
  await run(bin, ['seed'], env);
  // `serve --demo` refuses a database with real accounts (it would re-activate the demo
  // admin and print its password): the test accounts are real, so demo data is loaded with
  // `sanzhi demo` — which touches demo reports and readings only — and the server starts plainly.
  const demo = args.includes('--demo');
  if (demo) await run(bin, ['demo'], env);
  const serveArgs = args.filter((a) => a !== '--demo');
  for (const [name, role, extra] of ACCOUNTS) {
    await run(bin, ['user', 'add', '--username', name, '--role', role, ...extra, '--password-stdin'], env, `${PASSWORD}\n`);
  }
  const child = spawn(bin, serveArgs, {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: `sqlite:${join(dir, 'e2e.db')}`,
      SANZHI_SERVER__ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: process.env.LEPTOS_SITE_ROOT ?? join(ROOT, 'target', 'site'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d) => log.push(d.toString()));
  child.stderr.on('data', (d) => log.push(d.toString()));
  await waitForHealth(base, child, log);
  return {
    base,
    log,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.on('exit', r)));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/// A first run as a new user makes it: a fresh database with no account, the server started
/// with `./scripts/sanzhi serve` from the repository root in a shell that has nothing set but
/// PATH and HOME (and where to put the database and listen). Its standard output is kept in
/// `out` as it is printed.
export async function startFreshServer() {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'sanzhi-e2e-fresh-'));
  const base = `http://127.0.0.1:${port}`;
  const log = [];
  const out = [];
  const env = {
    PATH: '/usr/bin:/bin',
    HOME: process.env.HOME,
    DATABASE_URL: `sqlite:${join(dir, 'fresh.db')}`,
    SANZHI_SERVER__ADDR: `127.0.0.1:${port}`,
    RUST_LOG: 'warn',
  };
  const child = spawn(join(ROOT, 'scripts', 'sanzhi'), ['serve'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d) => {
    out.push(d.toString());
    log.push(d.toString());
  });
  child.stderr.on('data', (d) => log.push(d.toString()));
  await waitForHealth(base, child, log);
  return {
    base,
    log,
    /// Everything the server printed so far, as lines.
    printed: () => out.join('').split('\n'),
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.on('exit', r)));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/// Runs `command` as printed, in a fresh shell (nothing set but PATH and HOME) from the
/// repository root; resolves to its output, rejects when it fails.
export function runPrinted(command) {
  return new Promise((ok, fail) => {
    const child = spawn('/bin/sh', ['-c', command], {
      cwd: ROOT,
      env: { PATH: '/usr/bin:/bin', HOME: process.env.HOME },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let said = '';
    child.stdout.on('data', (d) => (said += d));
    child.stderr.on('data', (d) => (said += d));
    child.on('exit', (code) => (code === 0 ? ok(said) : fail(new Error(`${command}: ${said}`))));
  });
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/// A page of its own browser context, signed in as `user` on `server` (when given), that
/// records console errors and uncaught exceptions.
export async function newPage(browser, server, user = 'e2e-leader') {
  const page = await browser.newPage({ locale: 'zh-CN' });
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  if (server) await signIn(page, server.base, user);
  return { page, problems };
}

/// Signs in through the sign-in page, as a person does, and waits for the page asked for.
export async function signIn(page, base, username, next = '/') {
  await page.goto(`${base}/login?next=${encodeURIComponent(next)}`);
  await waitForHydration(page);
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.locator('.user-box .who').waitFor();
  await waitForHydration(page);
}

export async function waitForHydration(page) {
  await page.locator('.app[data-hydrated="true"]').waitFor({ timeout: 30_000 });
}
