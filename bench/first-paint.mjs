// First paint of 总览 in headless Debian Chromium over loopback: BASE COOKIE [RUNS].
// Each run is a new browser context (empty cache, signed in by the given session cookie);
// prints the median and the worst of first-contentful-paint, and of hydration (the app's
// `data-hydrated` mark), over RUNS (default 10) navigations after one warm-up; and the wasm
// the page fetched before it was hydrated (files, bytes as sent by the server — gzipped — and
// decoded), from the last run.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const require = createRequire(join(dirname(fileURLToPath(import.meta.url)), '../end2end/package.json'));
const { chromium } = require('playwright-core');

const [base, cookie, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 10);
const [name, value] = cookie.split(/=(.*)/s);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const fcp = [];
const hydrated = [];
let wasm = [];
for (let i = 0; i <= runs; i++) {
  const context = await browser.newContext({ locale: 'zh-CN' });
  await context.addCookies([{ name, value, url: base }]);
  const page = await context.newPage();
  const fetched = [];
  page.on('requestfinished', (req) => {
    if (new URL(req.url()).pathname.endsWith('.wasm')) fetched.push(req);
  });
  await page.goto(`${base}/`, { waitUntil: 'load' });
  await page.locator('.app[data-hydrated="true"]').waitFor({ timeout: 60_000 });
  wasm = [];
  for (const req of fetched) {
    const response = await req.response();
    const sizes = await req.sizes();
    wasm.push({ sent: sizes.responseBodySize, decoded: (await response.body()).length });
  }
  const t = await page.evaluate(() => {
    const paint = performance.getEntriesByName('first-contentful-paint')[0];
    return { fcp: paint ? paint.startTime : NaN, now: performance.now() };
  });
  if (i > 0) {
    fcp.push(t.fcp);
    hydrated.push(t.now);
  }
  await context.close();
}
await browser.close();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const max = (xs) => Math.max(...xs);
console.log(`first contentful paint median ${median(fcp).toFixed(0)} ms (worst ${max(fcp).toFixed(0)} ms); ` +
  `hydrated by ${median(hydrated).toFixed(0)} ms (worst ${max(hydrated).toFixed(0)} ms), ${runs} runs; ` +
  `wasm fetched before hydration: ${wasm.length} files, ` +
  `${(wasm.reduce((a, w) => a + w.sent, 0) / 1024).toFixed(0)} KB sent (gzip), ` +
  `${(wasm.reduce((a, w) => a + w.decoded, 0) / 1024).toFixed(0)} KB decoded`);
