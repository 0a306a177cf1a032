// The 导入 page (/admin/import): an admin fills in a new plan's header, uploads a small CSV
// allocation table, sees the preview with its counts, confirms, and the plan's page shows it.
// Then the imported plan is run like the seeded ones: put into effect on /plans, given its own
// coordinator, reported on by a unit, accepted by that coordinator, shown in 总览.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { PASSWORD, launchBrowser, newPage, startServer, waitForHydration } from './harness.js';
import { workbook } from './xlsx.js';

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

test('another plan’s table: its title offered, a misspelt unit suggested, a set, an unassigned phrase, a 待确认 deadline', async () => {
  const csv =
    '附件2 衢州市城乡环境整治提升行动重点任务分解表\n' +
    '衢政办发〔2018〕88号\n' +
    '工作任务,责任单位,完成时限\n' +
    '印发实施方案并组织动员,市级有关部门,文件印发后5个工作日内\n' +
    '编制专项规划并全面实施,市环保,方案制定:6月底前；全面实施:年底前\n' +
    '排查山塘水库安全隐患,"各乡镇(街道)、开化县政府",汛期前\n' +
    '开展专项督查,市环保局,九月前后\n';
  const file = join(dir, 'renovation.csv');
  await writeFile(file, csv);

  const { page, problems } = await newPage(browser, server, 'e2e-admin');
  await page.goto(`${server.base}/admin/import`);
  await waitForHydration(page);
  const box = page.locator('section.plan-import');
  await box.locator('input[name="code"]').fill('renovation');
  await box.locator('input[name="short_name"]').fill('环境整治');
  await box.locator('select[name="owner"] option[value="市环保局"]').waitFor({ state: 'attached' });
  await box.locator('select[name="owner"]').selectOption('市环保局');
  await box.locator('input[name="start_year"]').fill('2019');
  await box.locator('input[name="end_year"]').fill('2020');
  await box.locator('input[type=file]').setInputFiles(file);
  await box.getByRole('button', { name: '预览' }).click();
  const outcome = box.locator('.plan-import-outcome');
  await outcome.waitFor();

  // The title and 文号 above the header fill the form at a click.
  await outcome.locator('.header-in-file').waitFor();
  await outcome.getByRole('button', { name: '填入方案标题和文号' }).click();
  assert.equal(await box.locator('input[name="title"]').inputValue(), '衢州市城乡环境整治提升行动');
  assert.equal(await box.locator('input[name="doc_no"]').inputValue(), '衢政办发〔2018〕88号');

  // The unreadable deadline is listed as 待确认, by row; it does not stop the file.
  const unconfirmed = outcome.locator('table.unconfirmed tbody tr');
  assert.equal(await unconfirmed.count(), 1);
  assert.match(await unconfirmed.first().innerText(), /7\s+完成时限/);

  // Units: take the suggestion, map a phrase to two units and save it as a group, keep the
  // township phrase unassigned.
  const row = (phrase) => outcome.locator(`table.unknown-units tr[data-phrase="${phrase}"]`);
  await row('市环保').getByRole('button', { name: '采用建议：市环保局' }).click();
  assert.equal(await row('市环保').locator('input.map-to').inputValue(), '市环保局');
  await row('市级有关部门').locator('input.map-to').fill('市环保局、市住建局');
  await row('市级有关部门').locator('input.map-to').dispatchEvent('change');
  await row('市级有关部门').locator('input.save-group').check();
  await row('各乡镇(街道)').locator('input.unassigned').check();

  await box.getByRole('button', { name: '预览' }).click();
  await box.locator('.plan-import-outcome', { hasText: '预览（尚未写入）' }).waitFor();
  await box.getByRole('button', { name: '确认导入' }).click();
  await box.locator('.plan-import-outcome', { hasText: '已导入方案 renovation' }).waitFor();
  assert.match(await box.locator('.plan-import-outcome').innerText(), /已存为单位组/);

  // The plan page lists the item to confirm; its page says 时限待确认.
  await page.goto(`${server.base}/plans/renovation`);
  await waitForHydration(page);
  const list = page.locator('.unconfirmed-list');
  await list.waitFor();
  await list.locator('a[href="/plans/renovation/items/4"]').click();
  await page.waitForURL(/\/plans\/renovation\/items\/4/);
  await page.locator('.badge.unconfirmed', { hasText: '时限待确认' }).first().waitFor();
  // The first looks were refused (422: units to decide) as they should be; Chromium logs a
  // refused request as a failed resource. Nothing else.
  assert.deepEqual(problems.filter((p) => !p.includes('status of 422')), []);
  await page.close();
});

test('an imported plan goes into effect, gets its own coordinator who accepts a unit’s report, and shows in 总览', async () => {
  // The first test imported `waste`: a draft, which a unit cannot open yet.
  const unit = await newPage(browser, server, 'e2e-kaihua');
  const draft = await unit.page.request.get(`${server.base}/plans/waste`);
  assert.equal(draft.status(), 404, 'a draft is not visible to units');

  // The admin puts it into effect on /plans.
  const { page, problems } = await newPage(browser, server, 'e2e-admin');
  await page.goto(`${server.base}/plans`);
  await waitForHydration(page);
  const row = page.locator('section.plans-draft tr[data-plan="waste"]');
  await row.waitFor();
  await row.getByRole('button', { name: '启用' }).click();
  await page.locator('section.plans-active tr[data-plan="waste"]').waitFor();

  // Its own coordinator: the account form offers every stored plan.
  await page.goto(`${server.base}/admin/accounts`);
  await waitForHydration(page);
  const form = page.locator('section.account-form');
  await form.locator('input[name="form[username]"]').fill('e2e-waste');
  await form.locator('select[name="form[role]"]').selectOption('coordinator');
  await form.locator('select[name="form[plan]"] option[value="waste"]').waitFor({ state: 'attached' });
  await form.locator('select[name="form[plan]"]').selectOption('waste');
  await form.locator('input[name="form[password]"]').fill(PASSWORD);
  await form.getByRole('button', { name: '创建账号' }).click();
  await page.locator('.account-result .ok', { hasText: 'e2e-waste' }).waitFor();

  // The unit finds the plan's work among its tasks and reports it done.
  await unit.page.goto(`${server.base}/my`);
  await waitForHydration(unit.page);
  const task = unit.page.locator('.task-row', { hasText: '垃圾治理 (1)' });
  await task.waitFor();
  await task.locator('a').first().click();
  await unit.page.waitForURL(/\/plans\/waste\/items\/1/);
  await waitForHydration(unit.page);
  const report = unit.page.locator('.report-form');
  await report.locator('select[name="form[state]"]').selectOption('done');
  await report.locator('textarea[name="form[narrative]"]').fill('分类投放点已建成（浏览器测试）');
  await report.getByRole('button', { name: '提交报告' }).click();
  await report.locator('.ok').waitFor();

  // Its own coordinator finds it in the queue, under the plan's name, and accepts it.
  const coord = await newPage(browser, server, 'e2e-waste');
  await coord.page.goto(`${server.base}/review`);
  await waitForHydration(coord.page);
  const pending = coord.page.locator('.review-queue li', { hasText: '浏览器测试' });
  await pending.waitFor();
  assert.match(await coord.page.locator('.queue-count').innerText(), /垃圾治理：1 份待签收/);
  await pending.getByRole('button', { name: '签收' }).click();
  await coord.page.locator('.empty', { hasText: '没有待签收的报告' }).waitFor();

  // 总览 shows its counts, and the navigation its name.
  const leader = await newPage(browser, server, 'e2e-leader');
  await leader.page.goto(`${server.base}/`);
  await waitForHydration(leader.page);
  await leader.page.locator('.plan-box[data-plan="waste"]').waitFor();
  assert.match(await leader.page.locator('.site-nav').innerText(), /垃圾治理/);

  // The admin closes it: asked first (cancel keeps it), then read-only and out of 我的任务.
  await page.goto(`${server.base}/plans`);
  await waitForHydration(page);
  const active = page.locator('section.plans-active tr[data-plan="waste"]');
  await active.getByRole('button', { name: '结束' }).click();
  await active.locator('.plan-confirm', { hasText: '确认结束' }).waitFor();
  await active.getByRole('button', { name: '取消' }).click();
  await active.locator('.plan-confirm').waitFor({ state: 'detached' });
  await active.getByRole('button', { name: '结束' }).click();
  await active.getByRole('button', { name: '确认' }).click();
  await page.locator('section.plans-closed tr[data-plan="waste"]').waitFor();
  await unit.page.goto(`${server.base}/my`);
  await waitForHydration(unit.page);
  assert.equal(await unit.page.locator('.task-row', { hasText: '垃圾治理 (1)' }).count(), 0);
  await unit.page.goto(`${server.base}/plans/waste`);
  await waitForHydration(unit.page);
  await unit.page.locator('.plan-status-banner.closed').waitFor();

  for (const p of [problems, unit.problems, coord.problems, leader.problems]) assert.deepEqual(p, []);
  for (const p of [page, unit.page, coord.page, leader.page]) await p.close();
});

test('a plan’s workbook carries its own indicators and a new year’s PM2.5 targets: preview, confirm, judged on 指标', async () => {
  const file = join(dir, 'river.xlsx');
  await writeFile(
    file,
    workbook([
      [
        '分工表',
        [
          ['工作要求', '责任单位', '时限'],
          ['开展城乡河道保洁专项行动', '开化县政府', '2021年12月底前'],
        ],
      ],
      [
        '指标目标',
        [
          ['指标', '单位', '方向', '地点', '年度', '目标值', '说明'],
          ['PM2.5 月均浓度', '', '', '柯城', '2021', '30', '2021年空气质量目标'],
          ['河道保洁达标率', '%', '越高越好', '全市', '2021', '95', ''],
        ],
      ],
    ]),
  );
  const { page, problems } = await newPage(browser, server, 'e2e-admin');
  await page.goto(`${server.base}/admin/import`);
  await waitForHydration(page);
  const box = page.locator('section.plan-import');
  await box.locator('input[name="code"]').fill('river');
  await box.locator('input[name="title"]').fill('衢州市河道保洁行动方案');
  await box.locator('input[name="short_name"]').fill('河道保洁');
  await box.locator('select[name="owner"] option[value="市治水办"]').waitFor({ state: 'attached' });
  await box.locator('select[name="owner"]').selectOption('市治水办');
  await box.locator('input[name="start_year"]').fill('2021');
  await box.locator('input[name="end_year"]').fill('2021');
  await box.locator('input[type=file]').setInputFiles(file);
  await box.getByRole('button', { name: '预览' }).click();
  const outcome = box.locator('.plan-import-outcome');
  await outcome.waitFor();
  const preview = await outcome.innerText();
  assert.match(preview, /指标与目标/);
  assert.match(preview, /新指标“河道保洁达标率”（代码 river\.1/);
  assert.match(preview, /新增 2 条/);
  await box.getByRole('button', { name: '确认导入' }).click();
  await outcome.locator('.ok', { hasText: /已导入/ }).waitFor();

  // Not judged while a draft; in effect, 指标 of 2021 shows the plan's indicator and targets.
  await page.goto(`${server.base}/plans`);
  await waitForHydration(page);
  await page.locator('section.plans-draft tr[data-plan="river"]').getByRole('button', { name: '启用' }).click();
  await page.locator('section.plans-active tr[data-plan="river"]').waitFor();
  const leader = await newPage(browser, server, 'e2e-leader');
  await leader.page.goto(`${server.base}/indicators?year=2021`);
  await waitForHydration(leader.page);
  const own = leader.page.locator('section.own-indicator[data-code="river.1"]');
  await own.waitFor();
  assert.match(await own.innerText(), /河道保洁达标率/);
  assert.match(await own.innerText(), /河道保洁/);
  const targets = leader.page.locator('section.plan-targets');
  assert.match(await targets.innerText(), /柯城\s+2021\s+30\s+河道保洁/);
  assert.equal(await leader.page.locator('select[name="year"] option[value="2021"]').count(), 1, '2021 offered');

  for (const p of [problems, leader.problems]) assert.deepEqual(p, []);
  for (const p of [page, leader.page]) await p.close();
});
