// A first day with the demo loaded (`serve --demo`), as a clerk, a county official, a
// coordinator and a leader meet it (issue 21): a report sent twice is filed once, a 签收
// made while the page replays the demo's day says it is dated later and shows where to see
// it, filters and cards name the late units, several reports accepted at once with an undo
// window, a password changed by its owner, a reporter landing on their own list, and a
// leader shown no entry form.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { PASSWORD, launchBrowser, newPage, signIn, startServer, waitForHydration } from './harness.js';

let server;
let browser;

before(async () => {
  server = await startServer(['serve', '--demo']);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/// Chromium logs an expected refusal (a 4xx answer) as a failed resource; nothing else may
/// go wrong.
const unexpected = (problems) => problems.filter((p) => !p.includes('Failed to load resource'));

test('提交报告 pressed twice files one report, and the button is busy while it sends', async () => {
  const { page, problems } = await newPage(browser, server, 'e2e-hbj');
  await page.goto(`${server.base}/plans/water/items/7`);
  await waitForHydration(page);
  const history = page.locator('.history .report', { hasText: '双击测试' });
  assert.equal(await history.count(), 0);
  const form = page.locator('.report-form');
  const today = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
  await form.locator('input[name="form[reported_on]"]').fill(today);
  await form.locator('textarea[name="form[narrative]"]').fill('整治推进中（双击测试）');
  await form.getByRole('button', { name: '提交报告' }).dblclick();
  await form.locator('.ok').waitFor();
  // The page is refetched with the new report: exactly one.
  await page.goto(`${server.base}/plans/water/items/7?as_of=${today}`);
  await waitForHydration(page);
  await history.first().waitFor();
  assert.equal(await history.count(), 1, 'one report, however often it was pressed');
  assert.deepEqual(unexpected(problems), []);
  await page.close();
});

test('a 签收 made while replaying an earlier day says it is dated later, and links to its day', async () => {
  // The demo leaves the soil plan's done reports of its last weeks (Dec 2020) waiting.
  const { page, problems } = await newPage(browser, server, 'e2e-soil');
  await page.goto(`${server.base}/review?plan=soil`);
  await waitForHydration(page);
  const first = page.locator('.review-queue li.pending').first();
  await first.waitFor();
  const id = await first.getAttribute('data-report');
  const href = await first.locator('.task-head a').getAttribute('href');
  const when = (await first.locator('.when').innerText()).match(/\d{4}-\d{2}-\d{2}/)[0];
  // The item page replaying the day the report speaks for: it waits for review there.
  await page.goto(`${server.base}${href}?as_of=${when}`);
  await waitForHydration(page);
  const controls = page.locator(`.review-controls[data-report="${id}"]`);
  await controls.getByRole('button', { name: '签收' }).click();
  const note = controls.locator('.dated-later');
  await note.waitFor();
  assert.match(await note.innerText(), new RegExp(`记于 \\d{4}-\\d{2}-\\d{2}，晚于本页所示的日期 ${when}`));
  await note.locator('a').click();
  await waitForHydration(page);
  await page.locator('.history .review-accepted', { hasText: 'e2e-soil' }).first().waitFor();
  assert.deepEqual(unexpected(problems), []);
  await page.close();
});

test('the plan page names the late units, and unit + status meet on one assignment', async () => {
  const { page, problems } = await newPage(browser, server, 'e2e-leader');
  await page.goto(`${server.base}/plans/water?as_of=2018-08-15`);
  await waitForHydration(page);
  const card22 = page.locator('li.item[data-item="22"]');
  const late = await card22.locator('.late-units').innerText();
  assert.match(late, /^逾期单位：\S+/);
  // Every card listed for one of those units + 逾期 has that unit among its late units.
  const unit = late.replace('逾期单位：', '').split('、')[0];
  await page.goto(`${server.base}/plans/water?as_of=2018-08-15&unit=${encodeURIComponent(unit)}&status=overdue`);
  await waitForHydration(page);
  const cards = page.locator('li.item');
  const n = await cards.count();
  assert.ok(n > 0, `${unit} has overdue items`);
  for (let i = 0; i < n; i += 1) {
    assert.ok((await cards.nth(i).locator('.late-units').innerText()).includes(unit), `card ${i}`);
  }
  assert.deepEqual(unexpected(problems), []);
  await page.close();
});

test('several reports accepted at once: confirmed, undone within the window, then sent', async () => {
  const { page, problems } = await newPage(browser, server, 'e2e-soil');
  await page.goto(`${server.base}/review?plan=soil`);
  await waitForHydration(page);
  const queued = page.locator('.review-queue li.pending');
  await queued.first().waitFor();
  const before = await queued.count();
  assert.ok(before >= 2, `the demo leaves soil reports waiting: ${before}`);
  const ids = [await queued.nth(0).getAttribute('data-report'), await queued.nth(1).getAttribute('data-report')];
  for (const id of ids) await page.locator(`li[data-report="${id}"] .tick input`).check();
  await page.getByRole('button', { name: '签收所选（2 份）' }).click();
  assert.match(await page.locator('.bulk-confirm').innerText(), /确认签收所选的 2 份报告/);
  await page.getByRole('button', { name: '确认签收' }).click();
  await page.locator('.bulk-countdown').waitFor();
  await page.getByRole('button', { name: '撤销' }).click();
  // Undone: nothing was sent, both still wait.
  await page.waitForTimeout(1500);
  assert.equal(await queued.count(), before);
  assert.equal(await page.locator('.bulk-bar .ok').count(), 0);
  await page.getByRole('button', { name: '签收所选（2 份）' }).click();
  await page.getByRole('button', { name: '确认签收' }).click();
  await page.locator('.bulk-bar .ok', { hasText: '已签收 2 份报告' }).waitFor({ timeout: 20_000 });
  await page.waitForFunction((n) => document.querySelectorAll('.review-queue li.pending').length === n, before - 2);
  for (const id of ids) assert.equal(await page.locator(`li[data-report="${id}"]`).count(), 0);
  assert.deepEqual(unexpected(problems), []);
  await page.close();
});

test('a reporter lands on their own list without a unit chooser, and changes their password', async () => {
  const page = await browser.newPage({ locale: 'zh-CN' });
  await page.goto(`${server.base}/login`);
  await waitForHydration(page);
  await page.locator('input[name="username"]').fill('e2e-zsb');
  await page.locator('input[name="password"]').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(/\/my$/);
  await waitForHydration(page);
  await page.locator('h2', { hasText: '市治水办' }).first().waitFor();
  assert.equal(await page.locator('.unit-chooser').count(), 0, 'bound to one unit: no chooser');

  await page.locator('.user-box a.who').click();
  await page.waitForURL(/\/account$/);
  await waitForHydration(page);
  const form = page.locator('.password-change');
  await form.locator('input[name="current"]').fill(PASSWORD);
  await form.locator('input[name="new_password"]').fill('a brand new password');
  await form.locator('input[name="repeat"]').fill('not the same password');
  await form.getByRole('button', { name: '修改密码' }).click();
  await form.locator('.error', { hasText: '两次输入的新密码不一致' }).waitFor();
  await form.locator('input[name="repeat"]').fill('a brand new password');
  await form.getByRole('button', { name: '修改密码' }).click();
  await form.locator('.ok', { hasText: '密码已修改' }).waitFor();
  await page.getByRole('button', { name: '退出' }).click();
  await page.waitForURL(/\/login/);
  await waitForHydration(page);
  await page.locator('input[name="username"]').fill('e2e-zsb');
  await page.locator('input[name="password"]').fill('a brand new password');
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(/\/my$/);
  await page.close();
});

test('a leader reads readings without entry or import forms', async () => {
  const { page, problems } = await newPage(browser, server, 'e2e-leader');
  await page.goto(`${server.base}/readings`);
  await waitForHydration(page);
  await page.locator('.read-only-note').waitFor();
  assert.equal(await page.locator('form.entry, .entry-form, .import-box').count(), 0);
  await signIn(page, server.base, 'e2e-air', '/readings');
  await page.locator('.filters').first().waitFor();
  assert.equal(await page.locator('.read-only-note').count(), 0, 'a coordinator enters readings');
  assert.deepEqual(unexpected(problems), []);
  await page.close();
});

test('on a phone (390 px) tables are stacked rows with their column names and chart text reads', async () => {
  const { page, problems } = await newPage(browser, server, 'e2e-leader');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${server.base}/?month=2018-12`);
  await waitForHydration(page);
  const cell = page.locator('table.counties tbody tr').first().locator('td').nth(1);
  assert.equal(await cell.evaluate((td) => getComputedStyle(td).display), 'block');
  const label = await cell.evaluate((td) => getComputedStyle(td, '::before').content);
  assert.match(label, /单位/);
  // Every text of the PM2.5 chart is at least 9 px high on screen (scaled down to the phone's
  // width it was about 5 px).
  const heights = await page.locator('.pm25-chart svg text').evaluateAll((ts) =>
    ts.map((t) => t.getBoundingClientRect().height).filter((h) => h > 0));
  assert.ok(heights.length > 5);
  assert.ok(Math.min(...heights) >= 9, `chart text heights: ${Math.min(...heights)}`);
  // The report form comes before the history for the unit that reports.
  const hbj = await newPage(browser, server, 'e2e-hbj');
  await hbj.page.setViewportSize({ width: 390, height: 844 });
  await hbj.page.goto(`${server.base}/plans/water/items/28`);
  await waitForHydration(hbj.page);
  const formTop = await hbj.page.locator('.report-form').evaluate((e) => e.getBoundingClientRect().top);
  const historyTop = await hbj.page.locator('.history').evaluate((e) => e.getBoundingClientRect().top);
  assert.ok(formTop < historyTop, `form at ${formTop}, history at ${historyTop}`);
  assert.deepEqual(unexpected([...problems, ...hbj.problems]), []);
  await hbj.page.close();
  await page.close();
});

test('the printed 总览 lists everything, with page x / y, the data-as-of day and the print day', async () => {
  const { page, problems } = await newPage(browser, server, 'e2e-leader');
  await page.goto(`${server.base}/?month=2018-12&full=1`);
  await waitForHydration(page);
  await page.emulateMedia({ media: 'print' });
  const line = page.locator('.print-line');
  assert.equal(await line.isVisible(), true);
  assert.match(await line.innerText(), /数据截至 2018-12-31.*打印于 \d{4}-\d{2}-\d{2}.*衢政办发〔2018〕43号/);
  assert.equal(await page.locator('.print-partial').count(), 0, 'the full overview lists everything');
  assert.equal(await page.locator('.red-list .more').count(), 0);
  const pdf = await page.pdf({ format: 'A4', printBackground: true });
  assert.ok(pdf.length > 10_000);
  // Read back with poppler (installed by the scripts): every page says which of how many.
  const dir = await mkdtemp(join(tmpdir(), 'sanzhi-print-'));
  await writeFile(join(dir, 'overview.pdf'), pdf);
  const text = execFileSync('pdftotext', ['-layout', join(dir, 'overview.pdf'), '-']).toString();
  const pages = text.split('\f').filter((p) => p.trim() !== '');
  assert.ok(pages.length >= 2, `${pages.length} pages`);
  // (pdftotext drops the thin spaces around the slash.)
  pages.forEach((p, i) => assert.match(p, new RegExp(`${i + 1}\\s*/\\s*${pages.length}`), `page ${i + 1}`));
  assert.match(pages[0], /数据截至 2018-12-31/);
  await rm(dir, { recursive: true, force: true });
  // The shortened overview says on paper that it is shortened.
  await page.goto(`${server.base}/?month=2018-12`);
  await waitForHydration(page);
  await page.emulateMedia({ media: 'print' });
  if ((await page.locator('.red-list .more').count()) > 0) {
    assert.equal(await page.locator('.print-partial').isVisible(), true);
  }
  assert.deepEqual(unexpected(problems), []);
  await page.close();
});
