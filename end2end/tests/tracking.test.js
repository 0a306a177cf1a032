// Tracking as a unit's reporter uses it: find the unit's overdue item, report on it through
// the form, see it in the history; and replay an earlier day.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT, launchBrowser, newPage, startServer, waitForHydration } from './harness.js';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('a unit reports on its overdue item and the status turns', async () => {
  const { page, problems } = await newPage(browser, server, 'e2e-hbj');
  await page.goto(`${server.base}/my?as_of=2018-08-15`);
  await waitForHydration(page);
  // The reporter's own unit opens without choosing it.
  await page.locator('h2', { hasText: '市环保局' }).first().waitFor();
  await page.locator('.task-row').first().waitFor();
  // Overdue first, the longest late first: (22) and the other 6月底前 items, 46 days late.
  const badges = await page.locator('.task-row .badge').allInnerTexts();
  const firstNotOverdue = badges.findIndex((b) => b !== '逾期');
  assert.ok(firstNotOverdue > 0, `overdue rows lead: ${badges.join(',')}`);
  assert.ok(badges.slice(firstNotOverdue).every((b) => b !== '逾期'), 'no overdue row after the others');
  assert.match(await page.locator('.task-row').first().innerText(), /逾期 46 天/);
  const row28 = page.locator('.task-row', { hasText: '治水长效战 (28)' });
  assert.equal(await row28.locator('.badge').innerText(), '逾期');
  assert.match(await row28.innerText(), /逾期 15 天/);

  await row28.locator('a').first().click();
  await page.waitForURL(/\/plans\/water\/items\/28/);
  await waitForHydration(page);
  const form = page.locator('.report-form');
  await form.locator('select[name="form[state]"]').selectOption('done');
  await form.locator('input[name="form[reported_on]"]').fill('2018-08-14');
  await form.locator('textarea[name="form[narrative]"]').fill('9个断面自动站已全部建成（浏览器测试）');
  await form.getByRole('button', { name: '提交报告' }).click();
  await form.locator('.ok').waitFor();
  assert.match(await form.locator('.ok').innerText(), /已提交：第 1 次报告/);
  // Made today while the page replays 2018-08-15: the page says so and links to today.
  assert.match(await form.locator('.dated-later').innerText(), /此报告记于 \d{4}-\d{2}-\d{2}，晚于本页所示的日期 2018-08-15/);
  // Made today for 2018-08-14: a 补报, which the replay of 2018-08-15 never sees (the past
  // does not change); today's page has it.
  await page.goto(`${server.base}/plans/water/items/28`);
  await waitForHydration(page);
  await page.locator('.history .report', { hasText: '浏览器测试' }).waitFor();
  // Not done until 治水办 accepts it: still not done — today, years after the plan's period,
  // that reads 未完成（期满） — waiting for review, and the reporter has no accept button.
  const row = page.locator('table.assignment-status tr[data-unit="市环保局"]');
  await row.locator('.review-pending').waitFor();
  assert.equal(await row.locator('.badge').innerText(), '未完成（期满）');
  assert.equal(await page.locator('.review-controls').count(), 0, 'a reporter cannot review');

  // 治水办's coordinator finds it in the queue and accepts it.
  const coord = await newPage(browser, server, 'e2e-water');
  await coord.page.goto(`${server.base}/review`);
  await waitForHydration(coord.page);
  const pending = coord.page.locator('.review-queue li', { hasText: '浏览器测试' });
  await pending.waitFor();
  assert.match(await coord.page.locator('.queue-count').innerText(), /治水长效战：1 份待签收/);
  // 退回 without a reason is refused, and the refusal is shown where the coordinator acted
  // (it used to vanish with the list that is refetched after every answer).
  await pending.getByRole('button', { name: '退回' }).click();
  await pending.locator('[role="alert"]', { hasText: '退回报告须写明理由' }).waitFor();
  assert.match(await coord.page.locator('.queue-count').innerText(), /治水长效战：1 份待签收/);
  await pending.getByRole('button', { name: '签收' }).click();
  await coord.page.locator('.empty', { hasText: '没有待签收的报告' }).waitFor();
  // The refused 退回 was logged by Chromium as a failed resource (400); nothing else.
  assert.deepEqual(coord.problems.filter((p) => !p.includes('Failed to load resource')), []);
  await coord.page.close();

  // Accepted today: as of today the item is done late, and the history says who accepted.
  await page.goto(`${server.base}/plans/water/items/28`);
  await waitForHydration(page);
  await page.locator('table.assignment-status .badge', { hasText: '逾期后完成' }).waitFor();
  assert.match(
    await page.locator('.history .report', { hasText: '浏览器测试' }).innerText(),
    /已签收（e2e-water（e2e-water）/,
  );

  // The same form again, on a stale version: another tab that had not seen the report.
  await page.goto(`${server.base}/plans/water/items/28?as_of=2018-08-13`);
  await waitForHydration(page);
  assert.equal(
    await page.locator('.history .report', { hasText: '浏览器测试' }).count(),
    0,
    'replaying 08-13: the report of 08-14 did not exist yet',
  );
  assert.equal(await page.locator('table.assignment-status .badge').first().innerText(), '逾期');
  await page.screenshot({ path: join(ROOT, 'end2end', 'screenshots', 'item-tracking.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('the timeline lists the 2018 milestones by month', async () => {
  const { page, problems } = await newPage(browser, server, 'e2e-hbj');
  await page.goto(`${server.base}/timeline?as_of=2018-06-15`);
  await waitForHydration(page);
  const june = page.locator('.month[data-month="2018-06"]');
  await june.waitFor();
  assert.match(await june.innerText(), /治水长效战 \(3\)/);
  assert.ok((await page.locator('.month').count()) >= 5);
  assert.deepEqual(problems, []);
  await page.close();
});

test('two people reporting on the same assignment: the second sees the first', async () => {
  const url = `${server.base}/plans/water/items/29?as_of=2018-09-01`;
  // Item (29) is 市治水办's alone; two of its people have it open.
  const a = await newPage(browser, server, 'e2e-zsb');
  const b = await newPage(browser, server, 'e2e-zsb');
  for (const { page } of [a, b]) {
    await page.goto(url);
    await waitForHydration(page);
  }
  const fill = async (page, text) => {
    const form = page.locator('.report-form');
    await form.locator('textarea[name="form[narrative]"]').fill(text);
    await form.getByRole('button', { name: '提交报告' }).click();
  };
  await fill(a.page, '河长制平台已上线（甲）');
  await a.page.locator('.report-form .ok').waitFor();
  // B's page was loaded before A reported: B must not overwrite A silently.
  await fill(b.page, '河长制平台建设中（乙）');
  const conflict = b.page.locator('.report-form .conflict');
  await conflict.waitFor();
  assert.match(await conflict.innerText(), /已有他人提交了更新的进展报告/);
  assert.match(await conflict.innerText(), /河长制平台已上线（甲）/);
  // The replay of 2018-09-01 does not see a report made today …
  await b.page.goto(url);
  await waitForHydration(b.page);
  assert.equal(await b.page.locator('.history .report', { hasText: '（甲）' }).count(), 0);
  // … today's page does, and only A's report is stored.
  await b.page.goto(`${server.base}/plans/water/items/29`);
  await waitForHydration(b.page);
  assert.equal(await b.page.locator('.history .report', { hasText: '（乙）' }).count(), 0);
  assert.equal(await b.page.locator('.history .report', { hasText: '（甲）' }).count(), 1);
  // A conflict response is an expected 4xx/5xx from the server function; nothing else.
  const unexpected = b.problems.filter((p) => !p.includes('Failed to load resource'));
  assert.deepEqual([...a.problems, ...unexpected], []);
  await a.page.close();
  await b.page.close();
});
