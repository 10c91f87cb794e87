// The finance journey in Debian's Chromium, started by ../finance_journey.rs: finance
// signs in, makes a payment run after its confirmation, downloads the SEPA file (checked
// against the pain.001.001.03 XSD with xmllint), marks one transfer failed, books the run
// paid, and finds the money in the disbursement report and on the budget dashboard; then
// settles a reported grant below its advance and marks the recovery received. Every page
// is checked by checks.mjs (axe-core, 360 and 1280 px); the forms are used by keyboard.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ask, base, check, expectText, fail, newPage, run, shots, signInWithToken } from './checks.mjs';

const financeToken = process.env.FINANCE_TOKEN;
const xsd = process.env.SEPA_XSD;

// Activates a link or button the way a keyboard user does: focus, then Enter.
async function press(page, locator) {
  await locator.focus();
  await page.keyboard.press('Enter');
}

// The same for a link or button that leads to another page: waits for it to load.
async function go(page, locator) {
  await locator.focus();
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
}

async function dashboard(page) {
  await signInWithToken(page, financeToken);
  await check(page, 'budget-dashboard');
  if (!page.url().endsWith('/financien')) fail(`finance landed on ${page.url()}`);
  await expectText(page, 'de budgetposities kloppen tot op de cent met het grootboek', 'the ledger check');
  const charts = await page.locator('svg[role="img"] title').count();
  if (charts < 2) fail(`only ${charts} charts with a title on the dashboard`);
  await page.keyboard.press('Tab');
  const first = await page.evaluate(() => document.activeElement && document.activeElement.textContent.trim());
  if (first !== 'Direct naar de inhoud') fail(`the first Tab stop is '${first}', not the skip link`);
}

async function makeRun(page) {
  await go(page, page.getByRole('navigation', { name: 'Financiën' }).getByRole('link', { name: 'Betaalrondes' }));
  await check(page, 'betaalrondes');
  await go(page, page.getByRole('button', { name: 'Betaalronde voorbereiden' }));
  await check(page, 'betaalronde-bevestigen');
  await expectText(page, 'Aantal betalingen\n3', 'the count before confirming');
  await expectText(page, '€ 1.440.000,00', 'the total before confirming');
  await go(page, page.getByRole('button', { name: 'Ja, maak de betaalronde' }));
  await check(page, 'betaalronde-gemaakt');
  await expectText(page, 'De betaalronde is gemaakt', 'after making the run');
}

async function downloadSepa(page) {
  const link = page.getByRole('link', { name: /SEPA-betaalbestand/ });
  const [download] = await Promise.all([page.waitForEvent('download'), press(page, link)]);
  const path = `${shots}/betaalbestand.xml`;
  await download.saveAs(path);
  if (!download.suggestedFilename().startsWith('betaalronde-')) fail(`the file is called ${download.suggestedFilename()}`);
  try {
    execFileSync('xmllint', ['--noout', '--schema', xsd, path], { stdio: 'pipe' });
  } catch (err) {
    fail(`the SEPA file does not validate against ${xsd}: ${err.stderr}`);
  }
  const xml = readFileSync(path, 'utf8');
  if (!xml.includes('<NbOfTxs>3</NbOfTxs>') || !xml.includes('<CtrlSum>1440000.00</CtrlSum>')) {
    fail('the SEPA file does not hold the 3 transfers of € 1.440.000,00');
  }
  console.log(`SEPA file ${download.suggestedFilename()} valid against the XSD`);
  const [csv] = await Promise.all([
    page.waitForEvent('download'),
    press(page, page.getByRole('link', { name: 'Overboekingen als CSV downloaden' })),
  ]);
  if (!csv.suggestedFilename().endsWith('.csv')) fail(`the CSV is called ${csv.suggestedFilename()}`);
}

async function markFailed(page) {
  const form = page.getByRole('region', { name: 'Overboeking mislukt' });
  await form.getByLabel('Overboeking').selectOption({ index: 1 });
  await go(page, form.getByRole('button', { name: 'Mislukte overboeking vastleggen' }));
  await check(page, 'mislukt-zonder-reden', { status: 422 });
  await go(page, page.getByRole('link', { name: /Reden van de bank:/ }));
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
  if (focused !== 'veld-mislukt-reden') fail(`the error summary led to '${focused}', not the reason field`);
  await page.keyboard.type('AC04 rekening opgeheven');
  const again = page.getByRole('region', { name: 'Overboeking mislukt' });
  await again.getByLabel('Overboeking').selectOption({ index: 1 });
  await go(page, again.getByRole('button', { name: 'Mislukte overboeking vastleggen' }));
  await check(page, 'overboeking-mislukt');
  await expectText(page, 'De mislukte overboeking is vastgelegd', 'after marking a transfer failed');
  await expectText(page, 'Mislukt: AC04 rekening opgeheven', 'the reason in the table');
}

async function bookPaid(page) {
  await go(page, page.getByRole('link', { name: 'Ronde als betaald boeken' }));
  await check(page, 'betaald-bevestigen');
  await expectText(page, '2 overboeking(en), samen € 960.000,00', 'what will be booked');
  await go(page, page.getByRole('button', { name: 'Ja, boek de ronde als betaald' }));
  await check(page, 'betaalronde-betaald');
  await expectText(page, 'De betaalronde is als betaald geboekt', 'after booking');
}

async function reportAndDashboard(page) {
  await go(page, page.getByRole('navigation', { name: 'Financiën' }).getByRole('link', { name: 'Uitbetalingen' }));
  await check(page, 'uitbetalingen');
  await expectText(page, 'Uitbetaald: 2 betaling(en), samen € 960.000,00', 'the disbursement report');
  await page.getByLabel('Betaalronde', { exact: true }).selectOption({ index: 1 });
  await go(page, page.getByRole('button', { name: 'Filter toepassen' }));
  await check(page, 'uitbetalingen-van-de-ronde');
  await expectText(page, 'Uitbetaald: 2 betaling(en), samen € 960.000,00', 'the report of the run');
  await go(page, page.getByRole('navigation', { name: 'Financiën' }).getByRole('link', { name: 'Budget', exact: true }));
  await check(page, 'budget-na-betaling');
  const paid = await page.locator('table:has(#tabel-uitvoering) tr:has(th:text-is("Betaald")) td').innerText();
  if (paid !== '€ 960.000,00') fail(`the dashboard shows ${paid} paid for uitvoering`);
  await expectText(page, 'maart 2025', 'the spending per month');
  for (const name of ['Budgetpositie', 'Dekking']) {
    await go(page, page.getByRole('navigation', { name: 'Financiën' }).getByRole('link', { name, exact: true }));
    await check(page, name.toLowerCase());
  }
}

async function settleAndRecover(page) {
  const id = await ask('verantwoorden');
  if (id.includes(' ')) fail(`reporting: ${id}`);
  await page.goto(`${base}/aanvragen/${id}`);
  await check(page, 'aanvraag-verantwoord');
  await go(page, page.getByRole('link', { name: 'Subsidie vaststellen' }));
  await check(page, 'vaststellen');
  await expectText(page, '€ 480.000,00', 'what was paid');
  await page.getByLabel('Vast te stellen bedrag in euro').fill('450.000,00');
  await page.getByLabel('Motivering', { exact: true }).fill('De kosten vielen lager uit dan begroot.');
  await go(page, page.getByRole('button', { name: 'Controleren' }));
  await check(page, 'vaststellen-controleren');
  await expectText(page, 'Er wordt € 30.000,00 teruggevorderd', 'the recovery before confirming');
  await go(page, page.getByRole('button', { name: 'Ja, stel vast op € 450.000,00' }));
  await check(page, 'vastgesteld');
  await expectText(page, 'De subsidie is vastgesteld', 'after settling');
  await page.goto(`${base}/financien/terugvorderingen`);
  await check(page, 'terugvorderingen');
  await expectText(page, 'Nog open: 1 terugvordering(en), samen € 30.000,00.', 'the open recovery');
  await go(page, page.getByRole('button', { name: /als ontvangen vastleggen/ }));
  await check(page, 'terugvordering-ontvangen');
  await expectText(page, 'Nog open: 0 terugvordering(en), samen € 0,00.', 'after receiving');
}

await run(async (browser, pages) => {
  const page = await newPage(browser);
  pages.push(page);
  await dashboard(page);
  await makeRun(page);
  await downloadSepa(page);
  await markFailed(page);
  await bookPaid(page);
  await reportAndDashboard(page);
  await settleAndRecover(page);
});
