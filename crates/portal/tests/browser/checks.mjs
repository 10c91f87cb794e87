// What every browser journey shares: asking the Rust harness, checking a page (axe-core,
// one h1, a title, lang="nl", no sideways scrolling at 360 px) with its screenshots at
// 1280 and 360 px, and launching Debian's Chromium. Used by finance.mjs.

import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync } from 'node:fs';
import readline from 'node:readline';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const base = process.env.PORTAL_URL;
export const shots = process.env.SCREENSHOTS;
mkdirSync(shots, { recursive: true });

// Questions to the harness, one line each way.
const lines = readline.createInterface({ input: process.stdin });
const pending = [];
const answers = [];
lines.on('line', (line) => (pending.length ? pending.shift()(line) : answers.push(line)));
export function ask(question) {
  process.stdout.write(`VRAAG ${question}\n`);
  return new Promise((resolve) => (answers.length ? resolve(answers.shift()) : pending.push(resolve)));
}

export function fail(message) {
  throw new Error(message);
}

export const failures = [];
let counter = 0;
export const checked = () => counter;

async function axe(page, name) {
  const result = await page.evaluate(async () => await window.axe.run(document));
  for (const v of result.violations) {
    const nodes = v.nodes.map((node) => node.target.join(' ')).slice(0, 5).join(', ');
    failures.push(`${name}: axe ${v.id} (${v.impact}): ${v.help} at ${nodes}`);
  }
  return result;
}

// Checks the page as it is now and takes its screenshots.
export async function check(page, name, { status } = {}) {
  await page.waitForLoadState('load');
  const n = String(++counter).padStart(2, '0');
  const facts = await page.evaluate(() => ({
    lang: document.documentElement.lang,
    title: document.title,
    h1: document.querySelectorAll('h1').length,
  }));
  if (facts.lang !== 'nl') failures.push(`${name}: lang is '${facts.lang}'`);
  if (!facts.title.trim()) failures.push(`${name}: no title`);
  if (facts.h1 !== 1) failures.push(`${name}: ${facts.h1} h1 elements`);
  await page.addScriptTag({ content: axeSource });
  const result = await axe(page, name);
  await page.screenshot({ path: `${shots}/${n}-${name}.png`, fullPage: true });
  await page.setViewportSize({ width: 360, height: 800 });
  await axe(page, `${name} at 360 px`);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  if (wide > 361) failures.push(`${name}: at 360 px the page is ${wide} px wide`);
  await page.screenshot({ path: `${shots}/${n}-${name}-360.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
  console.log(`page ${n} ${name}: ${facts.title}; ${result.violations.length} axe violations`);
  if (status !== undefined && page.lastStatus !== status) {
    failures.push(`${name}: status ${page.lastStatus}, expected ${status}`);
  }
}

export async function newPage(browser) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 }, locale: 'nl-NL', acceptDownloads: true,
  });
  const page = await context.newPage();
  page.on('response', (r) => {
    if (r.request().isNavigationRequest() && r.request().frame() === page.mainFrame()) page.lastStatus = r.status();
  });
  return page;
}

// Waits up to ten seconds for the text: a click on a form's button returns before the
// browser has navigated to the answer, so the first look may still see the old page
// (or none, mid-navigation).
export async function expectText(page, text, where) {
  const deadline = Date.now() + 10000;
  let body = '';
  for (;;) {
    body = await page.locator('body').innerText().catch(() => '');
    if (body.includes(text)) return;
    if (Date.now() > deadline) fail(`${where}: '${text}' not on the page:\n${body}`);
    await page.waitForTimeout(200);
  }
}

export async function signInWithToken(page, token) {
  await page.goto(`${base}/aanmelden`);
  await page.getByLabel('Token', { exact: true }).fill(token);
  await page.getByRole('button', { name: 'Aanmelden met token' }).click();
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run',
    ],
  });
}

// Runs `journey` with a browser; on failure screenshots every page; reports the
// failures of the checks and exits non-zero when there were any.
export async function run(journey) {
  const browser = await launch();
  const pages = [];
  try {
    await journey(browser, pages);
  } catch (err) {
    for (const [i, page] of pages.entries()) {
      await page.screenshot({ path: `${shots}/fout-${i + 1}.png`, fullPage: true }).catch(() => {});
    }
    throw err;
  } finally {
    await browser.close();
    lines.close();
  }
  if (failures.length) {
    console.error(`${failures.length} problem(s):\n${failures.join('\n')}`);
    process.exit(1);
  }
  console.log(`journey done: ${counter} pages checked, screenshots in ${shots}`);
}

// Tabs from the top of the page to the control whose text is `text` and presses Enter:
// the action can be done with the keyboard alone.
export async function pressByKeyboard(page, text, where) {
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => (document.activeElement ? document.activeElement.innerText || '' : ''));
    if (focused.trim() === text) {
      await page.keyboard.press('Enter');
      return;
    }
  }
  fail(`${where}: '${text}' could not be reached with the Tab key`);
}
