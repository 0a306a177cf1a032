// The soak's load (bench/soak starts the server and sets the SOAK_* variables).
// Every answer other than the expected one is an error; memory is sampled every 5 s.
import { readFileSync } from 'node:fs';

const env = (k) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set (run bench/soak)`);
  return v;
};
const BASE = env('SOAK_BASE');
const PID = env('SOAK_PID');
const LEADER = env('SOAK_LEADER');
const REPORTER = env('SOAK_REPORTER');
const ADMIN = env('SOAK_ADMIN');
const TOKEN = env('SOAK_TOKEN');
const CSV = readFileSync(env('SOAK_CSV'));
const SECONDS = Number(process.env.SOAK_SECONDS || 600);
const MAX_GROWTH_MB = Number(process.env.SOAK_MAX_GROWTH_MB || 64);
const end = Date.now() + SECONDS * 1000;

const counts = {};
const errors = [];
function note(kind, ok, detail) {
  counts[kind] ??= { ok: 0, failed: 0 };
  counts[kind][ok ? 'ok' : 'failed'] += 1;
  if (!ok && errors.length < 20) errors.push(`${kind}: ${detail}`);
}

async function call(kind, path, init, want = [200]) {
  try {
    const r = await fetch(BASE + path, init);
    const body = await r.text();
    const ok = want.includes(r.status);
    note(kind, ok, `${r.status} ${body.slice(0, 200)}`);
    return { status: r.status, body };
  } catch (e) {
    note(kind, false, String(e));
    return { status: 0, body: '' };
  }
}

const form = (o) => new URLSearchParams(o).toString();
const post = (cookie, body, type = 'application/x-www-form-urlencoded') => ({
  method: 'POST',
  headers: { Cookie: cookie, 'Content-Type': type },
  body,
});

async function reader(pages, cookie) {
  for (let i = 0; Date.now() < end; i++) {
    const page = pages[i % pages.length];
    await call(`GET ${page}`, page, { headers: { Cookie: cookie } });
  }
}

// A reporter on its own assignments: states the version it saw. The list it starts from
// counts the reports made by its as-of day, so the first report on an assignment with later
// (demo) reports is answered 409 with the newest version: that once is how it learns the
// version. Any later 409 would be a lost race, which cannot happen with one writer per
// assignment: an error.
async function reporter(assignments) {
  const version = new Map(assignments.map((a) => [a.assignment_id, a.report_count]));
  const synced = new Set();
  for (let i = 0; Date.now() < end; i++) {
    const a = assignments[i % assignments.length].assignment_id;
    const kind = synced.has(a) ? 'POST report' : 'POST report (first)';
    const r = await call(kind, '/api/report', post(REPORTER, form({
      'form[assignment_id]': a,
      'form[expected_version]': version.get(a),
      'form[state]': 'in_progress',
      'form[milestone_seq]': '',
      'form[reported_on]': '2019-06-01',
      'form[achieved]': '',
      'form[narrative]': `压力测试进展 ${i}`,
      'form[evidence]': '',
      'form[reporter]': '',
      'form[corrects_id]': '',
    })), synced.has(a) ? [200] : [200, 409]);
    synced.add(a);
    if (r.status === 200) version.set(a, JSON.parse(r.body).version);
    if (r.status === 409) version.set(a, JSON.parse(r.body).message.newest.version);
    await new Promise((res) => setTimeout(res, 50));
  }
}

async function pusher() {
  for (let i = 0; Date.now() < end; i++) {
    const rows = [{ indicator: 'pm25', place: '开化', year: 2025, month: 1 + (i % 12), value: 20 + (i % 17) }];
    await call('POST /api/v1/readings', '/api/v1/readings', {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(rows),
    });
    await new Promise((res) => setTimeout(res, 2000));
  }
}

async function importer() {
  while (Date.now() < end) {
    await call('import readings CSV', '/api/import/readings?commit=true', post(ADMIN, CSV, 'text/csv'));
    await new Promise((res) => setTimeout(res, 30000));
  }
}

const rss = [];
function sample() {
  const status = readFileSync(`/proc/${PID}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)[1]);
  rss.push({ t: Math.round((Date.now() - (end - SECONDS * 1000)) / 1000), mb: kb / 1024 });
}

const tasks = await call('unit tasks', '/api/unit_tasks', post(REPORTER, form({ unit: '开化县政府' })));
const rows = JSON.parse(tasks.body).rows;
if (!rows || rows.length < 4) throw new Error('the reporter has too few assignments');
sample();
const sampler = setInterval(sample, 5000);
await Promise.all([
  reader(['/', '/my', '/indicators'], LEADER),
  reader(['/plans/water/items/5', '/plans/air', '/my'], REPORTER),
  reader(['/', '/plans/soil/items/3'], LEADER),
  reporter(rows.slice(0, Math.floor(rows.length / 2))),
  reporter(rows.slice(Math.floor(rows.length / 2))),
  pusher(),
  importer(),
]);
clearInterval(sampler);
sample();

const total = Object.values(counts).reduce((n, c) => n + c.ok + c.failed, 0);
const failed = Object.values(counts).reduce((n, c) => n + c.failed, 0);
console.log(`${'request'.padEnd(28)} ${'ok'.padStart(8)} ${'failed'.padStart(8)}`);
for (const [k, c] of Object.entries(counts)) {
  console.log(`${k.padEnd(28)} ${String(c.ok).padStart(8)} ${String(c.failed).padStart(8)}`);
}
const minute = (from, to) => rss.filter((s) => s.t >= from && s.t < to).map((s) => s.mb);
const avg = (xs) => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);
const early = avg(minute(60, 120).length ? minute(60, 120) : rss.slice(0, 3).map((s) => s.mb));
const late = avg(rss.slice(-12).map((s) => s.mb));
const peak = Math.max(...rss.map((s) => s.mb));
console.log(`requests: ${total}, errors: ${failed}`);
console.log(`RSS: start ${rss[0].mb.toFixed(0)} MB, second minute ${early.toFixed(0)} MB, last minute ${late.toFixed(0)} MB, peak ${peak.toFixed(0)} MB; growth ${(late - early).toFixed(1)} MB`);
console.log(`RSS every minute (MB): ${rss.filter((s) => s.t % 60 < 5).map((s) => s.mb.toFixed(0)).join(' ')}`);
for (const e of errors) console.log(`error: ${e}`);
if (failed > 0 || late - early > MAX_GROWTH_MB) process.exit(1);
