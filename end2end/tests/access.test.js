// Sign-in and roles as a county reporter meets them: only their own unit's assignments can
// be reported on, a hand-made request for another unit is refused by the server, and signing
// out returns to the sign-in page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PASSWORD, launchBrowser, newPage, signIn, startServer, waitForHydration } from './harness.js';

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

test('anonymous visitors are sent to the sign-in page, and a wrong password is refused', async () => {
  const { page, problems } = await newPage(browser);
  await page.goto(`${server.base}/plans/water`);
  await page.waitForURL(/\/login\?next=\/plans\/water/);
  await waitForHydration(page);
  await page.locator('input[name="username"]').fill('e2e-kaihua');
  await page.locator('input[name="password"]').fill('not the password');
  await page.getByRole('button', { name: '登录' }).click();
  await page.locator('.login-result', { hasText: '用户名或密码不正确' }).waitFor();
  // The failed server call is logged by Chromium as a failed resource; nothing else.
  assert.deepEqual(problems.filter((p) => !p.includes('Failed to load resource')), []);
  await page.close();
});

test('a 开化县 reporter reports only on 开化 assignments, the server refuses 柯城, sign-out ends it', async () => {
  const { page, problems } = await newPage(browser);
  await signIn(page, server.base, 'e2e-kaihua', '/my?as_of=2018-12-31');
  assert.match(await page.locator('.user-box .who').innerText(), /单位填报员 · 开化县政府/);
  // 我的任务 opens on the reporter's own unit without choosing it.
  await page.locator('.task-row').first().waitFor();
  const heading = await page.locator('h2', { hasText: '开化县政府' }).count();
  assert.ok(heading >= 1, 'the list is 开化县政府\'s');

  // Water item (5) is assigned to every county: the form offers 开化县政府 only.
  await page.goto(`${server.base}/plans/water/items/5?as_of=2018-12-31`);
  await waitForHydration(page);
  const options = await page.locator('.report-form select[name="form[assignment_id]"] option').allInnerTexts();
  assert.deepEqual(options, ['开化县政府']);
  const units = await page.locator('table.assignment-status tbody tr').count();
  assert.ok(units > 1, `other units are shown read-only (${units} rows)`);

  // A hand-made request for 柯城区政府's assignment of the same item, from this session.
  const kecheng = await page.evaluate(async () => {
    const tracking = await fetch('/api/item_tracking', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'code=water&number=5',
    }).then((r) => r.json());
    const row = tracking.rows.find(([t]) => t.unit === '柯城区政府');
    const form = new URLSearchParams({
      'form[assignment_id]': String(row[0].assignment_id),
      'form[expected_version]': String(row[0].report_count),
      'form[state]': 'done',
      'form[milestone_seq]': '',
      'form[reported_on]': '2018-12-30',
      'form[achieved]': '',
      'form[narrative]': '冒充柯城区填报',
      'form[evidence]': '',
      'form[reporter]': '柯城区政府',
      'form[corrects_id]': '',
    });
    const resp = await fetch('/api/report', { method: 'POST', body: form });
    return { status: resp.status, body: await resp.json() };
  });
  assert.equal(kecheng.body.kind, 'forbidden', JSON.stringify(kecheng));
  assert.match(kecheng.body.message, /不能填报柯城区政府的分工/);
  await page.reload();
  await waitForHydration(page);
  assert.equal(await page.locator('.history .report', { hasText: '冒充柯城区填报' }).count(), 0);

  // Its own assignment goes through, signed with the signed-in name.
  const form = page.locator('.report-form');
  await form.locator('select[name="form[state]"]').selectOption('in_progress');
  await form.locator('textarea[name="form[narrative]"]').fill('开化县已启动（浏览器测试）');
  await form.getByRole('button', { name: '提交报告' }).click();
  await form.locator('.ok').waitFor();
  // Filed today: today's page shows it (the replay of 2018-12-31 never will).
  await page.goto(`${server.base}/plans/water/items/5`);
  await waitForHydration(page);
  const mine = page.locator('.history .report', { hasText: '开化县已启动' });
  await mine.waitFor();
  assert.match(await mine.innerText(), /e2e-kaihua/);

  await page.getByRole('button', { name: '退出' }).click();
  await page.waitForURL(/\/login/);
  await page.goto(`${server.base}/my`);
  await page.waitForURL(/\/login\?next=\/my/);
  assert.deepEqual(problems.filter((p) => !p.includes('Failed to load resource')), []);
  await page.close();
});

test('after sign-in the browser stays on this site, whatever next says; the page runs under its CSP', async () => {
  // Browsers drop a tab or newline inside a URL, so `/\t/evil.example/` would be
  // `//evil.example/` — another site — if it were followed as written.
  for (const next of ['/%09/evil.example/', '/%0a/evil.example/', '/%5c/evil.example/', '//evil.example/', 'https://evil.example/']) {
    const { page, problems } = await newPage(browser);
    const answer = await page.goto(`${server.base}/login?next=${next}`);
    const csp = answer.headers()['content-security-policy'] ?? '';
    assert.match(csp, /script-src 'self' 'nonce-[A-Za-z0-9_-]{16,}'/, csp);
    assert.match(csp, /frame-ancestors 'none'/);
    await waitForHydration(page);
    await page.locator('input[name="username"]').fill('e2e-kaihua');
    await page.locator('input[name="password"]').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.locator('.user-box .who').waitFor();
    await page.waitForLoadState('load');
    assert.equal(new URL(page.url()).origin, server.base, `next=${next} led to ${page.url()}`);
    // The hydrated page broke no rule of its policy (Chromium reports violations as errors).
    await waitForHydration(page);
    assert.deepEqual(problems.filter((p) => !p.includes('Failed to load resource')), []);
    await page.close();
  }
});
