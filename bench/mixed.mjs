// The mixed load (issue 26): readers and writers at once, as a working day has them.
//   node bench/mixed.mjs BASE SECONDS READERS ITEM_URL ASSIGNMENTS
// with the cookies and token in the environment (LEADER, KAIHUA: `name=value`; TOKEN: an API
// token that may push readings). READERS connections read 总览 (as the leader), 我的任务 (as
// 开化县政府) and an item page in turn, as fast as answers come; meanwhile 开化县政府 sends a
// progress report every 100 ms (through the report form's endpoint, on the ASSIGNMENTS given
// as `id:version,…`, each report on the next assignment not still waiting for an answer) and a
// monitoring platform pushes one reading every second (JSON API). Prints, per kind, the count,
// p50, p99 and worst latency in ms and the answers that were not 200.
const [base, secondsArg, readersArg, itemUrl, assignmentsArg] = process.argv.slice(2);
const seconds = Number(secondsArg);
const readers = Number(readersArg);
const { LEADER, KAIHUA, TOKEN } = process.env;
const assignments = assignmentsArg.split(',').map((s) => {
  const [id, version] = s.split(':').map(Number);
  return { id, version, busy: false };
});
const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

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

const end = Date.now() + seconds * 1000;
const pages = [
  ['总览 /', '/', LEADER],
  ['我的任务 /my', '/my', KAIHUA],
  ['item page', itemUrl, LEADER],
];

async function reader(n) {
  let i = n;
  while (Date.now() < end) {
    const [kind, url, cookie] = pages[i++ % pages.length];
    await timed(kind, url, { headers: { Cookie: cookie } });
  }
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
await Promise.all(Array.from({ length: readers }, (_, n) => reader(n)));
clearInterval(reportTimer);
clearInterval(pushTimer);
await Promise.all(writes);

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
console.log(`${'kind'.padEnd(14)} ${'count'.padStart(7)} ${'p50_ms'.padStart(9)} ${'p99_ms'.padStart(9)} ${'max_ms'.padStart(9)}  not 200`);
for (const [kind, { times, bad }] of Object.entries(kinds)) {
  const sorted = times.slice().sort((a, b) => a - b);
  const f = (x) => x.toFixed(1).padStart(9);
  const notOk = Object.entries(bad).map(([s, n]) => `${s}×${n}`).join(' ') || '-';
  console.log(`${kind.padEnd(14)} ${String(times.length).padStart(7)} ${f(pct(sorted, 50))} ${f(pct(sorted, 99))} ${f(sorted[sorted.length - 1])}  ${notOk}`);
}
