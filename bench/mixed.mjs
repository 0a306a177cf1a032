// The mixed load (issue 26): readers and writers at once, as a working day has them.
//   node bench/mixed.mjs BASE SECONDS READERS ITEM_URL ASSIGNMENTS
// with the cookies and token in the environment (LEADER, KAIHUA: `name=value`; TOKEN: an API
// token that may push readings). READERS connections read 总览 (as the leader), 我的任务 (as
// 开化县政府) and an item page — a third of them each, as fast as answers come, asking for
// gzip as browsers do; meanwhile 开化县政府 sends a progress report every 100 ms (through the
// report form's endpoint, on the ASSIGNMENTS given as `id:version,…`, each report on the next
// assignment not still waiting for an answer) and a monitoring platform pushes one reading
// every second (JSON API). Prints, per kind, the count, p50, p99 and worst latency in ms and
// the answers that were not 200.
//
// The readers are wrk processes (Debian's wrk, one per page; `bench/count-status.lua` counts
// the answers that were not 200), the writers Node's fetch. Until session 23 the readers were
// Node's fetch too: one Node process then used a whole core (105% of one, measured) while the
// server used half of one, so the figures were the load generator's own queueing.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const [base, secondsArg, readersArg, itemUrl, assignmentsArg] = process.argv.slice(2);
const seconds = Number(secondsArg);
const readers = Number(readersArg);
const { LEADER, KAIHUA, TOKEN } = process.env;
const assignments = assignmentsArg.split(',').map((s) => {
  const [id, version] = s.split(':').map(Number);
  return { id, version, busy: false };
});
const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
const statusScript = fileURLToPath(new URL('./count-status.lua', import.meta.url));

const kinds = {};
function record(kind, ms, status) {
  const k = (kinds[kind] ??= { times: [], bad: {} });
  k.times.push(ms);
  if (status !== 200) k.bad[status] = (k.bad[status] ?? 0) + 1;
}

async function timed(kind, url, init) {
  const start = performance.now();
  let status;
  try {
    const res = await fetch(base + url, init);
    await res.arrayBuffer();
    status = res.status;
  } catch (e) {
    status = `error ${e.cause?.code ?? e.message}`;
  }
  record(kind, performance.now() - start, status);
  return status;
}

const pages = [
  ['总览 /', '/', LEADER],
  ['我的任务 /my', '/my', KAIHUA],
  ['item page', itemUrl, LEADER],
];

// "2.60ms" → 2.6
function toMs(v) {
  const n = parseFloat(v);
  if (v.endsWith('us')) return n / 1000;
  if (v.endsWith('ms')) return n;
  if (v.endsWith('m')) return n * 60000;
  return n * 1000;
}

// One page read by `connections` connections for the run: wrk's figures, as `summaries` keeps
// them (a count and percentiles, not every time).
const summaries = {};
function wrk(kind, url, cookie, connections) {
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '--timeout', '10s',
    '-s', statusScript, '-H', `Cookie: ${cookie}`, '-H', 'Accept-Encoding: gzip', base + url];
  return new Promise((resolve, reject) => {
    const p = spawn('wrk', args);
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('error', reject);
    p.on('close', (code) => {
      const get = (re) => out.match(re)?.[1];
      const count = Number(get(/(\d+) requests in/));
      const p50 = get(/^\s+50%\s+(\S+)/m);
      const p99 = get(/^\s+99%\s+(\S+)/m);
      const max = get(/^\s+Latency\s+\S+\s+\S+\s+(\S+)/m);
      const bad = get(/^not 200: (.*)$/m);
      if (code !== 0 || !count || !p50 || !p99 || !max || bad === undefined) {
        reject(new Error(`wrk on ${url} (exit ${code}):\n${out}`));
        return;
      }
      summaries[kind] = { count, p50: toMs(p50), p99: toMs(p99), max: toMs(max), bad: bad.trim() };
      resolve();
    });
  });
}

// Each page answers 200 before the load starts (a redirect to sign-in would measure the
// wrong page).
for (const [kind, url, cookie] of pages) {
  const res = await fetch(base + url, { headers: { Cookie: cookie } });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${kind}: ${url} answered ${res.status}, not 200`);
}

let sent = 0;
async function report() {
  const a = assignments.find((x) => !x.busy);
  if (!a) {
    record('report', 0, 'skipped: every assignment busy');
    return;
  }
  a.busy = true;
  sent += 1;
  const form = new URLSearchParams({
    'form[assignment_id]': a.id,
    'form[expected_version]': a.version,
    'form[state]': 'in_progress',
    'form[milestone_seq]': '',
    'form[reported_on]': today,
    'form[achieved]': '',
    'form[narrative]': `【演示】混合负载基准的进展报告 ${sent}`,
    'form[evidence]': '',
    'form[reporter]': '开化县政府 基准',
    'form[corrects_id]': '',
  });
  const status = await timed('report', '/api/report', {
    method: 'POST',
    headers: { Cookie: KAIHUA, Origin: base, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: form,
  });
  if (status === 200) a.version += 1;
  a.busy = false;
  // The next report on it goes to the back of the queue.
  assignments.push(assignments.splice(assignments.indexOf(a), 1)[0]);
}

let pushed = 0;
async function push() {
  pushed += 1;
  const value = 30 + (pushed % 10);
  await timed('reading push', '/api/v1/readings', {
    method: 'POST',
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    // Into the year and month 总览 shows (the demo data's day, 2019-03-31): a push its
    // standings must take in, not one they can ignore.
    body: JSON.stringify([{ indicator: 'pm25', place: '开化', year: 2019, month: 3, value }]),
  });
}

const writes = [];
const reportTimer = setInterval(() => writes.push(report()), 100);
const pushTimer = setInterval(() => writes.push(push()), 1000);
await Promise.all(
  pages.map(([kind, url, cookie], n) =>
    // READERS split as evenly as they go: 32 → 11, 11, 10.
    wrk(kind, url, cookie, Math.floor(readers / pages.length) + (n < readers % pages.length ? 1 : 0)),
  ),
);
clearInterval(reportTimer);
clearInterval(pushTimer);
await Promise.all(writes);

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
for (const [kind, { times, bad }] of Object.entries(kinds)) {
  const sorted = times.slice().sort((a, b) => a - b);
  const notOk = Object.entries(bad).map(([s, n]) => `${s}×${n}`).join(' ') || '-';
  summaries[kind] = { count: times.length, p50: pct(sorted, 50), p99: pct(sorted, 99), max: sorted[sorted.length - 1], bad: notOk };
}
console.log(`${'kind'.padEnd(14)} ${'count'.padStart(7)} ${'p50_ms'.padStart(9)} ${'p99_ms'.padStart(9)} ${'max_ms'.padStart(9)}  not 200`);
const f = (x) => x.toFixed(1).padStart(9);
for (const [kind, { count, p50, p99, max, bad }] of Object.entries(summaries)) {
  console.log(`${kind.padEnd(14)} ${String(count).padStart(7)} ${f(p50)} ${f(p99)} ${f(max)}  ${bad}`);
}
