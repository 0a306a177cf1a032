// The 导入 page (/admin/import): an admin fills in a new plan's header, uploads a small CSV
// allocation table, sees the preview with its counts, confirms, and the plan's page shows it.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launchBrowser, newPage, startServer, waitForHydration } from './harness.js';

let server;
let browser;
let dir;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  dir = await mkdtemp(join(tmpdir(), 'sanzhi-import-'));
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('an admin imports a new plan from a CSV allocation table: preview, confirm, plan page', async () => {
  const csv =
    '序号,行动,任务,工作要求,牵头单位,责任单位,时限\n' +
    '1,（一）垃圾分类行动,1. 建设分类设施,6月底前建成分类投放点200个,市住建局,各县(市、区)政府,6月底前\n' +
    '2,（一）垃圾分类行动,1. 建设分类设施,年底前建成餐厨垃圾处理厂,市住建局,柯城区政府、衢江区政府,年底前\n' +
    '3,（二）垃圾执法行动,2. 执法检查,及时查处乱倒垃圾行为,市综合执法局,市综合执法局,及时\n';
  const file = join(dir, 'waste.csv');
  await writeFile(file, csv);

  const { page, problems } = await newPage(browser, server, 'e2e-admin');
  await page.goto(`${server.base}/admin/import`);
  await waitForHydration(page);
  assert.equal(await page.locator('h1').first().innerText(), '导入');
  assert.equal(await page.locator('a[href="/readings"]').count() >= 1, true, 'links to the readings import');
  const box = page.locator('section.plan-import');
  assert.equal(await box.getByRole('button', { name: '确认导入' }).isDisabled(), true);

  await box.locator('input[name="code"]').fill('waste');
  await box.locator('input[name="title"]').fill('衢州市垃圾治理行动方案');
  await box.locator('input[name="short_name"]').fill('垃圾治理');
  await box.locator('input[name="doc_no"]').fill('衢政办发〔2019〕1号');
  // The owner list is filled once the units have loaded.
  await box.locator('select[name="owner"] option[value="市住建局"]').waitFor({ state: 'attached' });
  await box.locator('select[name="owner"]').selectOption('市住建局');
  await box.locator('input[name="start_year"]').fill('2019');
  await box.locator('input[name="end_year"]').fill('2021');
  await box.locator('input[type=file]').setInputFiles(file);

  await box.getByRole('button', { name: '预览' }).click();
  const outcome = box.locator('.plan-import-outcome');
  await outcome.waitFor();
  assert.match(await outcome.innerText(), /预览（尚未写入）：新增 3 项，更新 0 项，不变 0 项/);
  assert.match(await outcome.innerText(), /这是一个新方案/);
  assert.equal(await outcome.locator('table.import-changes tbody tr').count(), 3);

  // Nothing is written by the preview.
  const before = await page.request.get(`${server.base}/plans/waste`);
  assert.equal(before.status(), 404);

  await box.getByRole('button', { name: '确认导入' }).click();
  await box.locator('.plan-import-outcome', { hasText: '已导入方案 waste' }).waitFor();
  assert.match(await box.locator('.plan-import-outcome').innerText(), /新增 3 项/);

  await page.goto(`${server.base}/plans/waste`);
  await waitForHydration(page);
  const body = await page.locator('main, body').first().innerText();
  assert.match(body, /垃圾治理/);
  assert.match(body, /年底前建成餐厨垃圾处理厂/);
  assert.match(body, /垃圾分类行动/);
  assert.deepEqual(problems, []);
  await page.close();
});
