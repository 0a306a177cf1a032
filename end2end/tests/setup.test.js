// The first run without demo data, as a new office meets it: `./scripts/sanzhi serve` on a
// fresh database prints a one-time setup address; the sign-in page says where it is; the
// address makes the first admin (password typed twice), who is signed in and led to the first
// steps, makes an account for a unit reporter, who then signs in. A wrong token finds no
// page, and once the admin exists neither does the printed one. The command the server
// printed works as printed, in a fresh shell from the repository root.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, runPrinted, startFreshServer, waitForHydration } from './harness.js';

let server;
let browser;

before(async () => {
  server = await startFreshServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/// The line the server printed that `pick` finds something in (waits for it briefly).
async function printedLine(pick) {
  for (let i = 0; i < 50; i++) {
    for (const line of server.printed()) {
      const found = pick(line);
      if (found) return found;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not printed:\n${server.log.join('')}`);
}

function watch(page) {
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  return problems;
}

test('the printed address makes the first admin, who makes a reporter who signs in', async () => {
  const url = await printedLine((l) => l.trim().startsWith(`${server.base}/setup?token=`) && l.trim());
  const command = await printedLine((l) => l.split('或在命令行创建（密码随机生成并显示一次）：')[1]?.trim());
  assert.match(url, /\/setup\?token=[0-9a-f]{64}$/);
  assert.match(command, /\.\/scripts\/sanzhi user add --username admin --role admin$/);

  const page = await browser.newPage({ locale: 'zh-CN' });
  const problems = watch(page);
  // Every page asks for a sign-in; the sign-in page says where the setup address is.
  await page.goto(`${server.base}/`);
  await page.waitForURL(/\/login/);
  await page.locator('.setup-pending', { hasText: '一次性设置地址' }).waitFor();

  // A wrong token: no such page.
  const wrong = await page.goto(url.replace(/token=.*/, 'token=0123456789abcdef'));
  assert.equal(wrong.status(), 404);
  assert.equal(await page.locator('input[name="form[password_again]"]').count(), 0);

  // The printed address: the form. Passwords that differ are refused where they were typed.
  const ok = await page.goto(url);
  assert.equal(ok.status(), 200);
  await waitForHydration(page);
  await page.locator('input[name="form[username]"]').fill('wang.zhuren');
  await page.locator('input[name="form[display_name]"]').fill('王主任');
  await page.locator('input[name="form[password]"]').fill('first-admin-pass');
  await page.locator('input[name="form[password_again]"]').fill('first-admin-pasS');
  await page.getByRole('button', { name: '创建管理员并登录' }).click();
  await page.locator('.setup-result', { hasText: '两次输入的密码不一致' }).waitFor();
  await page.locator('input[name="form[password_again]"]').fill('first-admin-pass');
  await page.getByRole('button', { name: '创建管理员并登录' }).click();

  // Signed in, on the first steps.
  await page.waitForURL(/\/first-steps$/);
  await waitForHydration(page);
  await page.locator('.user-box .who', { hasText: '王主任（系统管理员）' }).waitFor();
  await page.locator('h1', { hasText: '第一步' }).waitFor();
  const steps = await page.locator('ol.first-steps').innerText();
  assert.match(steps, /衢政办发〔2018〕43号/);
  assert.match(steps, /导入监测读数/);

  // First step: an account for 开化县's reporter, with a typed password.
  await page.getByRole('link', { name: '打开“账号”页面' }).click();
  await page.waitForURL(/\/admin\/accounts/);
  await waitForHydration(page);
  const form = page.locator('.account-form');
  await form.locator('input[name="form[username]"]').fill('kaihua.li');
  await form.locator('input[name="form[display_name]"]').fill('李填报');
  await form.locator('select[name="form[role]"]').selectOption('reporter');
  await form.locator('select[name="form[unit]"]').selectOption('开化县政府');
  await form.locator('input[name="form[password]"]').fill('reporter-pass-1');
  await form.getByRole('button', { name: '创建账号' }).click();
  await page.locator('table.accounts tr[data-username="kaihua.li"]').waitFor();
  // Chromium logs the refusals above (the wrong token's 404, the differing passwords' 400)
  // as failed resources; nothing else may go wrong.
  assert.deepEqual(problems.filter((p) => !p.includes('Failed to load resource')), []);

  // The reporter signs in, in their own browser, and lands on 开化's tasks.
  const other = await browser.newPage({ locale: 'zh-CN' });
  const otherProblems = watch(other);
  await other.goto(`${server.base}/login?next=%2Fmy`);
  await waitForHydration(other);
  // The admin exists: the sign-in page no longer speaks of setup.
  assert.equal(await other.locator('.setup-pending').count(), 0);
  await other.locator('input[name="username"]').fill('kaihua.li');
  await other.locator('input[name="password"]').fill('reporter-pass-1');
  await other.getByRole('button', { name: '登录' }).click();
  await other.locator('.user-box .who', { hasText: '李填报（单位填报员 · 开化县政府）' }).waitFor();
  await other.locator('h2', { hasText: '开化县政府' }).first().waitFor();
  assert.deepEqual(otherProblems, []);
  await other.close();

  // The printed address is spent, for anyone.
  const spent = await page.goto(url);
  assert.equal(spent.status(), 404);
  assert.equal(await page.locator('input[name="form[password_again]"]').count(), 0);
  await page.close();

  // The command the server printed works as printed, in a fresh shell from the repository
  // root (it makes a second admin, `admin`, with a random password shown once).
  const said = await runPrinted(command);
  assert.match(said, /已创建用户 admin/);
  assert.match(said, /初始密码（只显示这一次）：\S{16}/);
  const prefix = command.replace(/ user add .*$/, '');
  const list = await runPrinted(`${prefix} user list`);
  assert.match(list, /^wang\.zhuren\t/m);
  assert.match(list, /^kaihua\.li\t/m);
  assert.match(list, /^admin\t/m);
});
