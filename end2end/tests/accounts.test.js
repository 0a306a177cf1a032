// Account management and language, as an admin and a user meet them: an admin makes an
// account in the browser and hands over the generated password, which signs in; anyone
// switches the interface to English, which is remembered across pages and reloads.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, newPage, startServer, waitForHydration } from './harness.js';

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

test('an admin creates an account and its generated password signs in', async () => {
  const { page, problems } = await newPage(browser, server, 'e2e-admin');
  await page.locator('.user-box a', { hasText: '账号' }).click();
  await page.waitForURL(/\/admin\/accounts/);
  await waitForHydration(page);
  const form = page.locator('.account-form');
  await form.locator('input[name="form[username]"]').fill('zhao.liu');
  await form.locator('input[name="form[display_name]"]').fill('赵六');
  await form.locator('select[name="form[role]"]').selectOption('reporter');
  await form.locator('select[name="form[unit]"]').selectOption('常山县政府');
  await form.getByRole('button', { name: '创建账号' }).click();
  const secret = form.locator('code.password');
  await secret.waitFor();
  const password = (await secret.innerText()).trim();
  assert.equal(password.length, 16);
  await page.locator('table.accounts tr[data-username="zhao.liu"]').waitFor();
  assert.deepEqual(problems, []);

  // The new reporter signs in with it and lands on 常山's tasks.
  const other = await browser.newPage({ locale: 'zh-CN' });
  await other.goto(`${server.base}/login?next=%2Fmy`);
  await waitForHydration(other);
  await other.locator('input[name="username"]').fill('zhao.liu');
  await other.locator('input[name="password"]').fill(password);
  await other.getByRole('button', { name: '登录' }).click();
  await other.locator('.user-box .who', { hasText: '赵六（单位填报员 · 常山县政府）' }).waitFor();
  await other.locator('h2', { hasText: '常山县政府' }).first().waitFor();

  // The admin stops the account: the reporter's next page asks for sign-in again.
  await page.locator('tr[data-username="zhao.liu"] button.toggle-active').click();
  await page.locator('tr[data-username="zhao.liu"] td', { hasText: '已停用' }).waitFor();
  await other.goto(`${server.base}/my`);
  await other.waitForURL(/\/login/);
  await other.close();
  await page.close();
});

test('the English toggle is remembered across pages and reloads, and switches back', async () => {
  const { page, problems } = await newPage(browser, server, 'e2e-leader');
  await page.goto(`${server.base}/my?as_of=2018-08-15`);
  await waitForHydration(page);
  assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
  await page.locator('button.lang-toggle').click();
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  await waitForHydration(page);
  const nav = await page.locator('.site-nav').innerText();
  assert.match(nav, /Overview/);
  assert.match(nav, /My tasks/);
  assert.match(await page.locator('.user-box .who').innerText(), /Leader \(read only\)/);
  // Another page and a reload stay in English.
  await page.locator('.site-nav a', { hasText: 'Timeline' }).click();
  await page.waitForURL(/\/timeline/);
  await page.reload();
  await waitForHydration(page);
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  assert.match(await page.locator('.site-nav').innerText(), /Indicators/);
  // And back to Chinese.
  await page.locator('button.lang-toggle').click();
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  await waitForHydration(page);
  assert.match(await page.locator('.site-nav').innerText(), /时间轴/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the water coordinator moves a deadline of item (28) with a reason, seen on the page and its audit trail', async () => {
  const { page, problems } = await newPage(browser, server, 'e2e-water');
  await page.goto(`${server.base}/plans/water/items/28`);
  await waitForHydration(page);
  const edit = page.locator('details.item-edit');
  await edit.locator('summary').click();
  const deadlines = edit.locator('textarea[name="form[deadlines]"]');
  assert.equal(await deadlines.inputValue(), '7月底前');
  await deadlines.fill('7月底前\n2019年6月底前');
  await edit.locator('input[name="form[reason]"]').fill('浏览器测试：会议纪要第3号');
  await edit.getByRole('button', { name: '保存修改' }).click();
  await edit.locator('.ok').waitFor();
  // The audit trail says it in words, with the object and the fields that changed.
  await page.locator('.item-audit tr[data-action="item.edit"]', { hasText: '调整事项' }).first().waitFor();
  assert.match(await page.locator('main').innerText(), /2019年6月底前/);
  assert.deepEqual(problems, []);
  await page.close();

  // A leader sees the change but no edit form.
  const leader = await newPage(browser, server, 'e2e-leader');
  await leader.page.goto(`${server.base}/plans/water/items/28`);
  await waitForHydration(leader.page);
  assert.match(await leader.page.locator('main').innerText(), /2019年6月底前/);
  assert.equal(await leader.page.locator('details.item-edit').count(), 0);
  await leader.page.close();
});
