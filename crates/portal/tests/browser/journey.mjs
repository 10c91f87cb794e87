// The journey through the portal in Debian's Chromium, started by ../journey.rs.
//
// Every page visited is checked with axe-core (any violation fails the run), for one h1,
// a title and lang="nl", and for reading at 360 px without sideways scrolling; a
// screenshot of it at 1280 px (and at 360 px) lands in $SCREENSHOTS.
//
// What only the test harness can do (read the outbox, run the allocation as an
// administrator) is asked on stdout as a line "VRAAG <what>"; the answer comes on stdin.

import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync } from 'node:fs';
import readline from 'node:readline';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const base = process.env.PORTAL_URL;
const shots = process.env.SCREENSHOTS;
const applicantEmail = process.env.APPLICANT_EMAIL;
const reviewer1Token = process.env.REVIEWER1_TOKEN;
const reviewer2Token = process.env.REVIEWER2_TOKEN;
const reviewer1Name = process.env.REVIEWER1_NAME;
mkdirSync(shots, { recursive: true });

// Questions to the harness, one line each way.
const lines = readline.createInterface({ input: process.stdin });
const pending = [];
const answers = [];
lines.on('line', (line) => (pending.length ? pending.shift()(line) : answers.push(line)));
function ask(question) {
  process.stdout.write(`VRAAG ${question}\n`);
  return new Promise((resolve) => (answers.length ? resolve(answers.shift()) : pending.push(resolve)));
}

function fail(message) {
  throw new Error(message);
}

let counter = 0;

// Runs axe-core on the page as it is; every violation is a failure.
async function axe(page, name) {
  const result = await page.evaluate(async () => await window.axe.run(document));
  for (const v of result.violations) {
    const nodes = v.nodes.map((node) => node.target.join(' ')).slice(0, 5).join(', ');
    failures.push(`${name}: axe ${v.id} (${v.impact}): ${v.help} at ${nodes}`);
  }
  return result;
}
const failures = [];

// Checks the page as it is now and takes its screenshots.
async function check(page, name, { status } = {}) {
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

async function newPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nl-NL' });
  const page = await context.newPage();
  page.on('response', (r) => {
    if (r.request().isNavigationRequest() && r.request().frame() === page.mainFrame()) page.lastStatus = r.status();
  });
  return page;
}

// Waits up to ten seconds for the text: a click on a form's button returns before the
// browser has navigated to the answer, so the first look may still see the old page
// (or none, mid-navigation).
async function expectText(page, text, where) {
  const deadline = Date.now() + 10000;
  let body = '';
  for (;;) {
    body = await page.locator('body').innerText().catch(() => '');
    if (body.includes(text)) return;
    if (Date.now() > deadline) fail(`${where}: '${text}' not on the page:\n${body}`);
    await page.waitForTimeout(200);
  }
}

function section(page, heading) {
  return page.getByRole('region', { name: heading, exact: true });
}

async function signInWithToken(page, token) {
  await page.goto(`${base}/aanmelden`);
  await page.getByLabel('Token', { exact: true }).fill(token);
  await page.getByRole('button', { name: 'Aanmelden met token' }).click();
}

async function applicantCreatesAndSubmits(page) {
  await page.goto(`${base}/`);
  await check(page, 'aanmelden');
  await page.getByLabel('E-mailadres').fill(applicantEmail);
  await page.getByRole('button', { name: 'Stuur mij een link' }).click();
  await check(page, 'link-gevraagd');
  await expectText(page, 'Controleer uw e-mail', 'after asking for a link');
  const link = await ask(`link ${applicantEmail}`);
  if (!link.startsWith(base)) fail(`the mailed link '${link}' does not point at the portal`);
  await page.goto(link);
  await check(page, 'aanmeldlink');
  await page.getByRole('button', { name: 'Aanmelden' }).click();
  await check(page, 'mijn-aanvragen-leeg');
  await expectText(page, 'Mijn aanvragen', 'home of the applicant');

  await page.getByRole('link', { name: 'Nieuwe aanvraag' }).click();
  await check(page, 'nieuwe-aanvraag');
  await page.getByLabel('Regeling').selectOption('uitvoering');
  await page.getByLabel('Omschrijving').fill('Samenwerking van huisartsen, wijkverpleging en apotheek in de wijk.');
  await page.getByLabel('Bedrag in euro').fill('12');
  await page.getByRole('button', { name: 'Opslaan als concept' }).click();
  await check(page, 'nieuwe-aanvraag-fouten', { status: 422 });
  await expectText(page, 'Titel: mag niet leeg zijn', 'the engine message for the title');
  await expectText(page, 'Bedrag:', 'the engine message for the amount');
  const kept = await page.getByLabel('Omschrijving').inputValue();
  if (!kept.startsWith('Samenwerking')) fail('the description typed was not kept');
  await page.getByRole('link', { name: /Titel: mag niet leeg zijn/ }).click();
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
  if (focused !== 'veld-titel') fail(`the error summary's link did not lead to the title field (${focused})`);

  await page.getByLabel('Titel').fill('Wijkverband Rivierenland');
  await page.getByLabel('Bedrag in euro').fill('1.500.000,00');
  await page.getByRole('button', { name: 'Opslaan als concept' }).click();
  await check(page, 'concept');
  await expectText(page, 'Concept (nog niet ingediend)', 'the draft');
  // The uitvoering asks for a project plan and a budget before submission.
  await expectText(page, 'ontbreekt nog', 'the required documents');
  for (const soort of ['projectplan', 'begroting']) {
    await page.getByLabel('Soort document').selectOption(soort);
    const pdf = `%PDF-1.4\n% ${soort}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`;
    await page.getByLabel('Bestand', { exact: true }).setInputFiles({
      name: `${soort}.pdf`, mimeType: 'application/pdf', buffer: Buffer.from(pdf),
    });
    await page.getByRole('button', { name: 'Document toevoegen' }).click();
    await check(page, `document-${soort}`);
    await expectText(page, 'Het document is toegevoegd', 'after uploading a document');
  }
  // The uitvoering is made on behalf of a consortium: a GP organisation, two
  // district-nursing organisations and the insurer.
  await expectText(page, 'Samenwerkingsverband', 'the consortium');
  const partners = [
    ['Huisartsenkring Rivierenland', 'huisartsenorganisatie'],
    ['Wijkzorg West-Betuwe', 'wijkverpleging'],
    ['Thuiszorg Rivierenland', 'wijkverpleging'],
    ['Zorgverzekeraar Midden', 'zorgverzekeraar'],
  ];
  for (const [i, [naam, soort]] of partners.entries()) {
    await page.getByLabel('Naam van de organisatie').fill(naam);
    await page.getByLabel('Soort partner').selectOption(soort);
    await page.getByLabel('Rol in het project').fill(i === 0 ? 'penvoerder' : 'partner');
    await page.getByLabel('Contactpersoon', { exact: true }).fill('J. Jansen');
    await page.getByLabel('E-mailadres van de contactpersoon').fill(`contact${i}@partner.example.org`);
    await page.getByRole('button', { name: 'Partner toevoegen' }).click();
    await check(page, `partner-${i + 1}`);
    await expectText(page, 'De partner is toegevoegd', 'after adding a partner');
  }
  await page.getByRole('link', { name: 'Aanvraag indienen' }).click();
  await check(page, 'indienen-bevestigen');
  await expectText(page, 'Wat gebeurt er daarna?', 'the confirmation');
  await page.getByRole('button', { name: 'Ja, dien de aanvraag in' }).click();
  await check(page, 'ingediend');
  await expectText(page, 'Uw aanvraag is ingediend', 'after submitting');
  await expectText(page, '€ 1.500.000,00', 'the amount in Dutch notation');
  return page.url().split('?')[0];
}

async function reviewerAsksSupplement(page, detail) {
  await signInWithToken(page, reviewer1Token);
  await check(page, 'werkvoorraad');
  await page.getByRole('link', { name: /^UITV-/ }).first().click();
  await check(page, 'beoordelaar-gereserveerd');
  if (page.url().split('?')[0] !== detail) fail(`the queue led to ${page.url()}, not ${detail}`);
  await expectText(page, 'Nog beschikbaar', 'the budget of the instrument');
  await page.getByRole('button', { name: 'Beoordeling starten' }).click();
  await check(page, 'beoordeling-gestart');
  await expectText(page, 'De aanvrager krijgt tot en met', 'the supplement deadline shown before sending');
  await section(page, 'Aanvulling vragen').getByLabel('Wat moet de aanvrager aanvullen?').fill('Stuur de begroting voor 2026 mee.');
  await page.getByRole('button', { name: 'Aanvulling vragen' }).click();
  await check(page, 'aanvulling-gevraagd');
  await expectText(page, 'Deze aanvraag wacht op de aanvulling van de aanvrager', 'the reason nothing can be done');
}

async function applicantSupplies(page, detail) {
  await page.goto(detail);
  await check(page, 'aanvrager-aanvulling-gevraagd');
  await expectText(page, 'Stuur de begroting voor 2026 mee.', 'the question of the reviewer');
  await page.getByLabel('Uw aanvulling').fill('De begroting voor 2026 staat in bijlage B.');
  await page.getByRole('button', { name: 'Aanvulling versturen' }).click();
  await check(page, 'aanvulling-geleverd');
  await expectText(page, 'Uw aanvulling is ontvangen', 'after supplying');
}

async function reviewerProposes(page, detail) {
  await page.goto(detail);
  await check(page, 'beoordelaar-na-aanvulling');
  const grant = section(page, 'Verlenen');
  await grant.getByLabel('Bedrag in euro').fill('1.500.000,00');
  await grant.getByLabel('Motivering').fill('Het plan voldoet aan alle criteria van de regeling.');
  await grant.getByRole('button', { name: 'Verlenen' }).click();
  await check(page, 'verlening-voorgesteld');
  await expectText(page, 'Een tweede beoordelaar moet het bevestigen', 'the four-eyes proposal');
  await expectText(page, 'U stelde al voor', 'why the first reviewer cannot confirm');
}

async function secondReviewerConfirms(page, detail) {
  await signInWithToken(page, reviewer2Token);
  await page.goto(`${base}/werkvoorraad?selectie=wacht-op-mij`);
  await check(page, 'werkvoorraad-wacht-op-mij');
  await expectText(page, 'wacht op uw bevestiging', 'the proposal in the queue');
  await page.goto(detail);
  await check(page, 'tweede-beoordelaar');
  await expectText(page, `${reviewer1Name} stelde voor € 1.500.000,00 te verlenen`, 'the proposal');
  await expectText(page, 'Het plan voldoet aan alle criteria van de regeling.', "the first reviewer's motivation");
  const confirm = section(page, 'Verlening bevestigen (tweede beoordelaar)');
  await confirm.getByLabel('Motivering').fill('Eens met de eerste beoordelaar.');
  await confirm.getByRole('button', { name: 'Verlening bevestigen' }).click();
  await check(page, 'verleend');
  await expectText(page, 'De subsidie is verleend', 'after confirming');
}

async function applicantSeesDecision(page, detail) {
  await page.goto(detail);
  await expectText(page, 'Toegekend', 'the decision');
  await expectText(page, 'Verleend', 'the amount granted');
  const letter = page.locator('summary', { hasText: 'subsidie verleend' }).first();
  await letter.click();
  await check(page, 'besluit-en-brief');
  await expectText(page, 'Eens met de eerste beoordelaar.', 'the motivation in the letter');
  const letterText = await page.locator('details[open] .portaal-brief').innerText();
  const linked = letterText.match(/https?:\/\/\S+\/referentie\/[A-Z0-9-]+/);
  if (!linked) fail(`the letter does not link to the portal:\n${letterText}`);
  await page.goto(`${base}${new URL(linked[0]).pathname}`);
  if (page.url().split('?')[0] !== detail) fail(`the letter's link led to ${page.url()}, not ${detail}`);
  await page.getByLabel('Gronden van het bezwaar').fill('Het verleende bedrag dekt de kosten van 2026 niet.');
  await page.getByRole('button', { name: 'Bezwaar indienen' }).click();
  await check(page, 'bezwaar-ingediend');
  await expectText(page, 'Uw bezwaar is ontvangen', 'after objecting');
  await expectText(page, 'Het verleende bedrag dekt de kosten van 2026 niet.', 'the objection on the page');
  await page.getByRole('button', { name: 'Afmelden' }).click();
  await check(page, 'afgemeld');
  await expectText(page, 'U bent afgemeld.', 'after signing out');
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run',
  ],
});
const pages = [];
try {
  const applicant = await newPage(browser);
  pages.push(applicant);
  const detail = await applicantCreatesAndSubmits(applicant);
  const allocated = await ask('toewijzen uitvoering');
  if (allocated !== 'ok') fail(`allocation: ${allocated}`);
  const reviewer1 = await newPage(browser);
  pages.push(reviewer1);
  await reviewerAsksSupplement(reviewer1, detail);
  await applicantSupplies(applicant, detail);
  await reviewerProposes(reviewer1, detail);
  const reviewer2 = await newPage(browser);
  pages.push(reviewer2);
  await secondReviewerConfirms(reviewer2, detail);
  await applicantSeesDecision(applicant, detail);
} catch (err) {
  // What each browser showed when it went wrong, for the person reading the failure.
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
