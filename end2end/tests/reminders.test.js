// Reminders, 催办 and the closed 通报 in the browser, on a phone (390 px) as county staff read
// them in 浙政钉's browser (issue 22): the water coordinator presses 开化 on an item page, 开化's
// reporter finds the 催办 at the top of 我的任务 and answers it, reads the demo's digests in
// 消息 (the unread count in the header goes away once read), and a leader opens the demo's
// closed January with its 通报后更正 and its .docx. No page is wider than the phone.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, newPage, startServer, waitForHydration } from './harness.js';

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

const unexpected = (problems) => problems.filter((p) => !p.includes('Failed to load resource'));
const today = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);

async function phone(user) {
  const { page, problems } = await newPage(browser, server, user);
  await page.setViewportSize({ width: 390, height: 844 });
  return { page, problems };
}

/// The part of the page shown by `locator` fits a 390 px screen: nothing in it is wider, and it
/// does not reach past the screen's right edge.
async function fitsThePhone(locator, what) {
  const { right, scroll, client } = await locator.first().evaluate((e) => ({
    right: e.getBoundingClientRect().right,
    scroll: e.scrollWidth,
    client: e.clientWidth,
  }));
  assert.ok(right <= 392, `${what} reaches ${right}px on a 390px screen`);
  assert.ok(scroll <= client + 2, `${what} holds something ${scroll}px wide in ${client}px`);
}

test('催办 made on the item page reaches the top of 我的任务 and is answered there, on a phone', async () => {
  const water = await phone('e2e-water');
  // 开化's tasks as the coordinator sees them; its first water item.
  await water.page.goto(`${server.base}/my?unit=${encodeURIComponent('开化县政府')}&as_of=${today}`);
  await waitForHydration(water.page);
  const href = await water.page.locator('.task-row a[href^="/plans/water/items/"]').first().getAttribute('href');
  const item = href.match(/items\/(\d+)/)[1];
  await water.page.goto(`${server.base}/plans/water/items/${item}?as_of=${today}`);
  await waitForHydration(water.page);
  const form = water.page.locator('.urge-form', { hasText: '开化县政府' });
  await form.locator('summary').click();
  await form.locator('textarea[name="message"]').fill('请本周内报送整改进展（浏览器测试）');
  await form.getByRole('button', { name: '发出催办' }).click();
  await water.page.locator('.urge-result .ok').waitFor();
  await water.page.locator('.urge-list .urge', { hasText: '浏览器测试' }).waitFor();
  await fitsThePhone(water.page.locator('.urges'), 'the item page\'s 催办');
  assert.deepEqual(unexpected(water.problems), []);
  await water.page.close();

  const kaihua = await phone('e2e-kaihua');
  // 开化 files a progress report on the item page first; its answer will name it.
  await kaihua.page.goto(`${server.base}/plans/water/items/${item}?as_of=${today}`);
  await waitForHydration(kaihua.page);
  const report = kaihua.page.locator('.report-form');
  await report.locator('input[name="form[reported_on]"]').fill(today);
  await report.locator('select[name="form[state]"]').selectOption('in_progress');
  await report.locator('textarea[name="form[narrative]"]').fill('现场核查进展（答复催办，浏览器测试）');
  await report.getByRole('button', { name: '提交报告' }).click();
  await report.locator('.ok').waitFor();
  await kaihua.page.goto(`${server.base}/my?as_of=${today}`);
  await waitForHydration(kaihua.page);
  const top = kaihua.page.locator('.my-urges');
  await top.waitFor();
  await fitsThePhone(top, '我的任务\'s 催办');
  await fitsThePhone(kaihua.page.locator('.task-list'), '我的任务');
  // Above the task list.
  const [urgesY, listY] = await Promise.all([
    top.evaluate((e) => e.getBoundingClientRect().top),
    kaihua.page.locator('.task-list').evaluate((e) => e.getBoundingClientRect().top),
  ]);
  assert.ok(urgesY < listY, 'the 催办 come first');
  // Found by its own message: another (demo) 催办 of the unit offers the same report, whose
  // text quotes 浏览器测试 too.
  const urge = top.locator('.urge', { hasText: '请本周内报送整改进展' });
  // The report just filed is offered (newest first) beside "不附报告".
  const choice = urge.locator('select[name="report_id"]');
  const options = await choice.locator('option').allInnerTexts();
  assert.equal(options[0], '不附报告');
  assert.match(options[1], /现场核查进展/);
  await choice.selectOption({ index: 1 });
  await urge.locator('textarea[name="note"]').fill('已安排现场核查，周五前报送');
  await urge.getByRole('button', { name: '提交说明' }).click();
  // Answered: it leaves the open list; the item page shows the answer, linked to the report.
  await top.locator('.urge', { hasText: '请本周内报送整改进展' }).waitFor({ state: 'detached' });
  await kaihua.page.goto(`${server.base}/plans/water/items/${item}?as_of=${today}`);
  await waitForHydration(kaihua.page);
  const answered = kaihua.page.locator('.urge-answer', { hasText: '已安排现场核查' });
  await answered.waitFor();
  const link = answered.locator('.answer-report a');
  const target = (await link.getAttribute('href')).split('#')[1];
  assert.match(target, /^report-\d+$/);
  assert.match(await kaihua.page.locator(`#${target}`).innerText(), /现场核查进展/);
  assert.deepEqual(unexpected(kaihua.problems), []);
  await kaihua.page.close();
});

test('消息 lists the demo digests with links, and reading them clears the header count', async () => {
  const { page, problems } = await phone('e2e-kaihua');
  await page.goto(`${server.base}/my`);
  await waitForHydration(page);
  const badge = page.locator('.user-box .unread-badge');
  await badge.waitFor();
  assert.ok(Number(await badge.innerText()) > 0);
  await page.locator('.user-box .inbox-link').click();
  await page.waitForURL(/\/inbox/);
  await waitForHydration(page);
  const first = page.locator('.inbox .digest.unread').first();
  await first.waitFor();
  await fitsThePhone(page.locator('.inbox'), '消息');
  assert.match(await first.innerText(), /开化县政府/);
  assert.match(await first.innerText(), /演示提醒/);
  assert.ok((await first.locator('a[href^="/plans/"]').count()) > 0, 'each line links to its item');
  await page.getByRole('button', { name: '全部标为已读' }).click();
  await page.locator('.inbox .digest.unread').first().waitFor({ state: 'detached' });
  await page.reload();
  await waitForHydration(page);
  await page.locator('.inbox .digest').first().waitFor();
  // The header asks for its count once the page is live.
  await page.waitForLoadState('networkidle');
  await page.locator('.user-box .inbox-link').waitFor();
  assert.equal(await page.locator('.user-box .unread-badge').count(), 0, 'no unread left');
  // In English the digests read in English (the plans' own text stays Chinese).
  await page.locator('button.lang-toggle').click();
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  await waitForHydration(page);
  const digest = page.locator('.inbox .digest').first();
  assert.match(await digest.locator('h3').innerText(), /reminders of \d+ [A-Z][a-z]{2}/);
  for (const section of await digest.locator('h4').allInnerTexts()) {
    assert.match(section, /^(Due soon|Newly overdue|Still overdue|Urged|Returned)/);
  }
  assert.match(await digest.locator('li').first().innerText(), /: (due|overdue|still overdue|done report|urged)/);
  await page.locator('button.lang-toggle').click();
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  assert.deepEqual(unexpected(problems), []);
  await page.close();
});

test('a closed month shows its 通报 as kept, what came after it, and its Word document', async () => {
  const { page, problems } = await phone('e2e-leader');
  await page.goto(`${server.base}/?month=2019-01`);
  await waitForHydration(page);
  const banner = page.locator('.bulletin.closed');
  await banner.waitFor();
  assert.match(await banner.innerText(), /【演示】衢三治办〔2019〕1号/);
  await banner.locator('.correction-report').first().waitFor();
  await fitsThePhone(banner, 'the closed month\'s banner');
  const link = banner.locator('a[href="/api/bulletins/2019-01.docx"]');
  const response = await page.request.get(`${server.base}/api/bulletins/2019-01.docx`);
  assert.equal(response.status(), 200);
  assert.equal(
    response.headers()['content-type'],
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  );
  assert.equal(await link.count(), 1);
  // A leader may read, not close: no close form on an open month either.
  await page.goto(`${server.base}/?month=2019-03`);
  await waitForHydration(page);
  await page.locator('.supervised').waitFor();
  assert.equal(await page.locator('.close-month').count(), 0);
  assert.deepEqual(unexpected(problems), []);
  await page.close();
});
