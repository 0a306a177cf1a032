// The overview as a person uses it: it loads in Chinese, the browser bundle hydrates it,
// a click calls a server function, and navigation works client-side.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
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

test('the overview lists the three plans in Chinese and hydrates', async () => {
  const { page, problems } = await newPage(browser, server);
  const wasm = page.waitForResponse((r) => r.url().endsWith('.wasm'));
  await page.goto(`${server.base}/`);
  assert.equal((await wasm).status(), 200, 'the wasm bundle is served');
  await waitForHydration(page);

  assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
  assert.match(await page.locator('h1').innerText(), /^总览 · \d{4}年\d{1,2}月$/);
  const titles = await page.locator('.plan-card h2').allInnerTexts();
  assert.deepEqual(titles, [
    '衢州市治水长效战行动方案',
    '衢州市治气攻坚战行动方案',
    '衢州市治土持久战行动方案',
  ]);
  const nav = await page.locator('.site-nav a').allInnerTexts();
  // The plans come from the database, by their stored short names.
  assert.deepEqual(nav, ['总览', '治水长效战', '治气攻坚战', '治土持久战', '我的任务', '签收', '时间轴', '指标', '读数']);
  const owners = await page.locator('.plan-card dd').allInnerTexts();
  assert.ok(owners.includes('市治气办'), owners.join(','));

  const shots = join(ROOT, 'end2end', 'screenshots');
  await mkdir(shots, { recursive: true });
  await page.screenshot({ path: join(shots, 'overview.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('clicking 查看工作目标 fetches the goals through a server function', async () => {
  const { page, problems } = await newPage(browser, server);
  await page.goto(`${server.base}/`);
  await waitForHydration(page);

  const card = page.locator('.plan-card[data-plan="soil"]');
  assert.equal(await card.locator('.goal-list li').count(), 0, 'no goals before the click');
  const call = page.waitForResponse(
    (r) => r.url().endsWith('/api/plan') && r.request().method() === 'POST',
  );
  await card.getByRole('button', { name: '查看工作目标' }).click();
  const resp = await call;
  assert.equal(resp.status(), 200);
  const body = await resp.json();
  assert.equal(body.summary.code, 'soil');

  const goals = card.locator('.goal-list li');
  await goals.first().waitFor();
  const texts = await goals.allInnerTexts();
  assert.equal(texts.length, 2);
  assert.match(texts[0], /受污染耕地安全利用率达到91%左右/);
  assert.match(texts[1], /危险废物规范化管理达标率达到93%以上/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the navigation opens a plan page without a full reload', async () => {
  const { page, problems } = await newPage(browser, server);
  await page.goto(`${server.base}/`);
  await waitForHydration(page);
  // A marker on window survives client-side navigation but not a full page load.
  await page.evaluate(() => {
    window.__sanzhiMarker = 'kept';
  });
  await page.locator('.site-nav a', { hasText: '治气' }).click();
  await page.waitForURL('**/plans/air');
  await page.locator('h1', { hasText: '衢州市治气攻坚战行动方案' }).waitFor();
  assert.equal(await page.evaluate(() => window.__sanzhiMarker), 'kept');
  assert.match(await page.locator('.goal-list').innerText(), /2019年控制在37微克\/立方米以下/);
  assert.equal(
    await page.locator('.site-nav a[aria-current="page"]').innerText(),
    '治气攻坚战',
  );
  assert.deepEqual(problems, []);
  await page.close();
});

test('a plan shows its tree and an item opens with its units, deadlines and notes', async () => {
  const { page, problems } = await newPage(browser, server);
  await page.goto(`${server.base}/plans/water`);
  await waitForHydration(page);
  assert.equal(await page.locator('.plan-tree .action').count(), 6);
  assert.equal(await page.locator('.plan-tree .task').count(), 21);
  assert.equal(await page.locator('.plan-tree .item').count(), 29);
  const item3 = page.locator('.item[data-item="3"]');
  assert.match(await item3.innerText(), /6月底前 → 2018-06-30/);
  assert.match(await item3.innerText(), /年底前 → 2018-12-31/);

  await page.locator('.item[data-item="1"] .item-text a').click();
  await page.waitForURL('**/plans/water/items/1');
  await page.locator('h1', { hasText: '工作要求 (1)' }).waitFor();
  assert.match(await page.locator('.notes').innerText(), /下董[\s\S]*下童/);
  const rows = await page.locator('table.assignments tbody tr').allInnerTexts();
  assert.equal(rows.length, 8);
  assert.match(rows[0], /柯城区政府\s+县级政府\s+各县\(市、区\)政府/);
  assert.match(await page.locator('.breadcrumb').innerText(), /衢州市治水长效战行动方案/);

  const shots = join(ROOT, 'end2end', 'screenshots');
  await page.screenshot({ path: join(shots, 'item-water-1.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('the indicators page charts the PM2.5 targets of a year, before any reading', async () => {
  const { page, problems } = await newPage(browser, server);
  await page.goto(`${server.base}/indicators?year=2019`);
  await waitForHydration(page);
  const svg = page.locator('.pm25-chart .wide svg');
  await svg.waitFor();
  assert.match(await svg.innerHTML(), /2019年 PM2.5 年均与目标/);
  assert.match(await page.locator('.notice').first().innerText(), /本期尚无读数/);
  const kaihua = page.locator('table.pm25 tr', { hasText: '开化' });
  assert.match(await kaihua.innerText(), /28以下\s+28以下\s+28以下/);
  assert.equal(await page.locator('table.sections tbody tr').count(), 9);
  await page.screenshot({ path: join(ROOT, 'end2end', 'screenshots', 'indicators.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('a coordinator who doubts a figure reads the gazette line it came from in one click', async () => {
  const { page, problems } = await newPage(browser, server, 'e2e-water');
  await page.goto(`${server.base}/plans/water/items/8`);
  await waitForHydration(page);
  // The targets follow the main text (30 and 400), each saying how the table differs.
  const targets = await page.locator('table.targets').innerText();
  assert.match(targets, /30/);
  assert.match(targets, /400/);
  assert.match(targets, /分工表/);
  // One click from the item to its table row in the source, marked.
  await page.locator('.provenance a.source-link.source-item').click();
  await page.waitForURL(/\/source\?doc=qzbf-2018-43\.txt&from=\d+&to=\d+#L\d+$/);
  const marked = page.locator('ol.source-text li.marked');
  // The source page is a lazy route: its part of the bundle and its text arrive after the URL.
  await marked.first().waitFor();
  assert.equal(await marked.count(), 1);
  assert.match(await marked.innerText(), /淘汰落后产能涉及企业400家以上/);
  // And back to the main text's paragraph of the item's task.
  await page.goBack();
  // The 30 target quotes the main text: its own link opens the task's paragraph.
  const row30 = page.locator('table.targets tr', { hasText: '淘汰落后产能涉及企业30家以上' });
  await row30.locator('a.source-link.source-task').click();
  await page.waitForURL(/\/source\?/);
  await page.locator('ol.source-text li.marked').first().waitFor();
  const paragraph = await page.locator('ol.source-text li.marked').allInnerTexts();
  assert.ok(paragraph.join('').includes('淘汰落后产能涉及企业30家以上'), paragraph.join('\n'));
  assert.deepEqual(problems, []);
  await page.close();
});
