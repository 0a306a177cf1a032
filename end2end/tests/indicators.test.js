// Leaders and coordinators with the demo loaded (`serve --demo`): the monthly overview of
// 2018-12 with its charts and red list, printing it, the indicators page, and importing a
// readings file through preview and confirm.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT, launchBrowser, newPage, startServer, waitForHydration } from './harness.js';

let server;
let browser;
const shots = join(ROOT, 'end2end', 'screenshots');

before(async () => {
  server = await startServer(['serve', '--demo']);
  browser = await launchBrowser();
  await mkdir(shots, { recursive: true });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('总览 for 2018-12 shows the PM2.5 chart, the red list and the ranking, and prints on A4', async () => {
  const { page, problems } = await newPage(browser, server);
  await page.goto(`${server.base}/?month=2018-12`);
  await waitForHydration(page);
  assert.equal(await page.locator('h1').first().innerText(), '总览 · 2018年12月');
  assert.match(await page.locator('.demo-banner').first().innerText(), /演示/);

  const pm25 = page.locator('.pm25-chart .wide svg');
  await pm25.waitFor();
  const svgText = await pm25.innerHTML();
  assert.match(svgText, /2018年 PM2.5 年均与目标/);
  assert.match(svgText, /演示数据/, 'the chart says its readings are demo');
  for (const area of ['柯城', '衢江', '开化', '衢州市区']) assert.ok(svgText.includes(area), area);
  // Each area's row says met or not met against its target.
  const verdicts = await page.locator('table.pm25-now .met').allInnerTexts();
  assert.equal(verdicts.length, 9);
  assert.ok(verdicts.every((v) => v === '达标' || v === '未达标'), verdicts.join(','));

  const red = page.locator('table.red-list-table tbody tr');
  assert.ok((await red.count()) >= 1, 'the red list has overdue items');
  assert.match(await red.first().innerText(), /逾期/);
  const link = red.first().locator('a');
  assert.match(await link.getAttribute('href'), /^\/plans\/\w+\/items\/\d+\?as_of=2018-12-31$/);

  assert.match(await page.locator('.ranking-chart .wide svg').innerHTML(), /红黑榜/);
  assert.equal(await page.locator('table.counties tbody tr').count(), 8);
  assert.match(await page.locator('.matrix-chart svg').innerHTML(), /断面逐月水质类别/);
  assert.equal(await page.locator('.plan-box').count(), 3);
  await page.screenshot({ path: join(shots, 'overview-2018-12.png'), fullPage: true });

  // Print: the navigation and the controls go, the content stays; A4 pages come out.
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('.site-nav').isVisible(), false);
  assert.equal(await page.locator('form.filters').isVisible(), false);
  assert.equal(await page.locator('table.red-list-table').isVisible(), true);
  const pdf = await page.pdf({ format: 'A4', printBackground: true });
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
  assert.ok(pages >= 2 && pages <= 12, `printed on ${pages} A4 pages`);
  await page.emulateMedia({ media: 'screen' });

  // The month control: the next month.
  await page.getByRole('link', { name: '下月 ›' }).click();
  await page.waitForURL(/month=2019-01/);
  await page.locator('h1', { hasText: '总览 · 2019年1月' }).waitFor();
  assert.deepEqual(problems, []);
  await page.close();
});

test('the indicators page draws the monthly trend and the section matrix from readings', async () => {
  const { page, problems } = await newPage(browser, server);
  await page.goto(`${server.base}/indicators?year=2019&month=12&area=${encodeURIComponent('衢州市区')}`);
  await waitForHydration(page);
  const trend = page.locator('.trend-chart svg');
  await trend.waitFor();
  assert.equal(await trend.locator('circle').count(), 36, 'one point per month of 2018–2020');
  assert.match(await trend.innerHTML(), /衢州市区 PM2.5 月均浓度 2018—2020年/);
  assert.equal(await page.locator('table.sections-now tbody tr').count(), 9);
  const completeness = await page.locator('table.pm25-now td:last-child').allInnerTexts();
  assert.ok(completeness.every((c) => c.length > 0), 'completeness is shown for every area');
  await page.screenshot({ path: join(shots, 'indicators-2019.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('a coordinator imports readings: preview, confirm, and a bad file changes nothing', async () => {
  const { page, problems } = await newPage(browser, server, 'e2e-admin');
  await page.goto(`${server.base}/readings?year=2021`);
  await waitForHydration(page);
  assert.match(await page.locator('.readings-empty, .empty').first().innerText(), /没有符合条件的读数/);
  const box = page.locator('.import-box');
  assert.equal(await box.getByRole('button', { name: '确认导入' }).isDisabled(), true);

  const good = '指标,地点,年份,月份,数值,有效天数\npm25,柯城,2021,1,39.5,31\npm25,柯城,2021,2,35.1,28\n';
  await box.locator('input[type=file]').setInputFiles({
    name: 'readings.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(good),
  });
  await box.getByRole('button', { name: '预览' }).click();
  const preview = box.locator('.preview-result');
  await preview.waitFor();
  assert.match(await preview.innerText(), /2 行数据，将新增 2 条，替换 0 条/);
  assert.equal(await preview.locator('table.preview tbody tr').count(), 2);
  assert.match(await page.locator('.counts').innerText(), /库中共 \d+ 条/);

  await box.getByRole('button', { name: '确认导入' }).click();
  await box.locator('.import-done').waitFor();
  assert.match(await box.locator('.import-done').innerText(), /新增 2 条/);
  // The list reloads with the two readings.
  await page.locator('table.readings tbody tr', { hasText: '39.5' }).waitFor();
  assert.equal(await page.locator('table.readings tbody tr').count(), 2);

  const bad = '指标,地点,年份,月份,数值\npm25,柯城,2021,3,33\npm25,柯城,2021,4,abc\n';
  await box.locator('input[type=file]').setInputFiles({
    name: 'bad.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(bad),
  });
  await box.getByRole('button', { name: '预览' }).click();
  const rejected = box.locator('.rejected');
  await rejected.waitFor();
  assert.match(await rejected.innerText(), /第 3 行，列“数值”：数值“abc”不是数字/);
  assert.match(await rejected.innerText(), /库中数据没有任何改变/);
  assert.equal(await box.getByRole('button', { name: '确认导入' }).isDisabled(), true);
  await page.reload();
  await waitForHydration(page);
  assert.equal(await page.locator('table.readings tbody tr').count(), 2, 'still two');
  await page.screenshot({ path: join(shots, 'readings.png'), fullPage: true });
  // The 422 of the rejected preview is logged by Chromium as a failed resource; nothing else.
  assert.deepEqual(problems.filter((p) => !/status of 422/.test(p)), []);
  await page.close();
});
