// The administrator's journey, started by ../admin_journey.rs: an allocation round (with
// its progress page while the harness holds the budget lock), the lottery page with the
// lot keys recomputed here from the seed as the page describes, closing the waiting list
// by keyboard after its confirmation, a ceiling changed, an instrument added, users and tokens, a conflict of interest, an
// organisation's IBAN with its history, and a failed e-mail sent again.

import { createHash } from 'node:crypto';
import { ask, base, check, expectText, fail, newPage, pressByKeyboard, run, signInWithToken } from './checks.mjs';

const adminToken = process.env.ADMIN_TOKEN;

async function allocate(page) {
  await signInWithToken(page, adminToken);
  if (!page.url().endsWith('/beheer')) fail(`the administrator landed on ${page.url()}, not /beheer`);
  await check(page, 'beheer-toewijzing');
  await expectText(page, 'Er is nog geen toewijzingsronde uitgevoerd', 'before the first round');

  await page.getByRole('button', { name: 'Toewijzingsronde starten' }).click();
  await check(page, 'toewijzing-zonder-regeling', { status: 422 });
  await expectText(page, 'Regeling: kies de regeling', 'the error summary');
  await page.getByRole('link', { name: /Regeling: kies de regeling/ }).click();
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
  if (focused !== 'veld-instrument') fail(`the error summary's link did not lead to the field (${focused})`);

  await page.getByLabel('Regeling', { exact: true }).selectOption('uitvoering');
  const held = await ask('vasthouden uitvoering');
  if (held !== 'ok') fail(`holding the budget lock: ${held}`);
  await page.getByRole('button', { name: 'Toewijzingsronde starten' }).click();
  await page.waitForURL(/\/beheer\/taken\//);
  await check(page, 'toewijzing-bezig');
  await expectText(page, 'Toewijzingsronde wordt uitgevoerd', 'the progress page');
  const released = await ask('loslaten');
  if (released !== 'ok') fail(`releasing the budget lock: ${released}`);
  // htmx polls the job every second and follows it to the round once it is done.
  await page.waitForURL(/\/beheer\/toewijzingsrondes\//, { timeout: 30000 });
  await check(page, 'toewijzingsronde');
  await expectText(page, 'De toewijzingsronde is uitgevoerd', 'after the round');
  await expectText(page, '3 maart 2025', 'the lottery day');
  await expectText(page, 'Op de wachtlijst', 'the one that did not fit');
  await expectText(page, '€ 72.000.000,00', 'reserved in total, in Dutch notation');
  await expectText(page, 'sha256sum', 'the recipe to recompute the lot');
}

// Recomputes every lot key shown from the seed shown, as the page's recipe says, and
// checks the order of the drawn applications is the order of their keys.
async function recomputeLottery(page) {
  const seed = (await page.locator('dd code.portaal-seed').first().innerText()).trim();
  if (!/^[0-9a-f]{64}$/.test(seed)) fail(`the seed '${seed}' is not 64 hex characters`);
  const rows = await page.locator('table tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.innerText.trim())));
  const drawn = rows.filter((r) => /^[0-9a-f]{64}$/.test(r[3]));
  if (drawn.length !== 37) fail(`expected 37 applications drawn by lot, found ${drawn.length}`);
  for (const [, reference, , key] of drawn) {
    const computed = createHash('sha256').update(Buffer.from(seed, 'hex')).update(reference, 'utf8').digest('hex');
    if (computed !== key) fail(`lot key of ${reference}: page says ${key}, recomputed ${computed}`);
  }
  const keys = drawn.map((r) => r[3]);
  const sorted = [...keys].sort();
  if (keys.join() !== sorted.join()) fail('the drawn applications are not in the order of their lot keys');
  const last = drawn[drawn.length - 1];
  if (last[2] !== 'Op de wachtlijst') fail(`the last drawn (${last[1]}) should be on the waiting list, is '${last[2]}'`);
}

async function closeWaitingList(page) {
  await page.getByRole('link', { name: /Wachtlijst van .* sluiten/ }).click();
  await check(page, 'wachtlijst-sluiten-bevestigen');
  await expectText(page, 'staat 1 aanvraag', 'what closing would reject');
  await expectText(page, 'art. 4:25 Awb', 'why they are rejected');
  await pressByKeyboard(page, 'Ja, sluit de wachtlijst', 'the confirmation');
  await page.waitForURL(/gedaan=wachtlijst/);
  await check(page, 'wachtlijst-gesloten');
  await expectText(page, 'De wachtlijst is gesloten. 1 aanvraag is afgewezen', 'after closing');
  await expectText(page, 'Gesloten', 'the waiting list in the table');
}

async function changeCeiling(page) {
  await page.getByRole('link', { name: 'Uitvoeringssubsidie regionaal eerstelijnssamenwerkingsverband (RESV)', exact: true }).click();
  await check(page, 'regeling');
  await expectText(page, '€ 72.000.000,00', 'the ceiling');
  const form = page.getByRole('region', { name: 'Subsidieplafond wijzigen' });
  await form.getByLabel('Nieuw plafond in euro', { exact: true }).fill('1.000,00');
  await form.getByRole('button', { name: 'Plafond wijzigen' }).click();
  await check(page, 'regeling-plafond-te-laag', { status: 422 });
  await expectText(page, 'Er is 1 probleem', 'the refusal in the summary');
  await page.getByRole('region', { name: 'Subsidieplafond wijzigen' })
    .getByLabel('Nieuw plafond in euro', { exact: true }).fill('74.000.000,00');
  await page.getByRole('region', { name: 'Subsidieplafond wijzigen' })
    .getByLabel('Reden (niet verplicht)', { exact: true }).fill('Extra middelen na de voorjaarsnota.');
  await page.getByRole('region', { name: 'Subsidieplafond wijzigen' }).getByRole('button', { name: 'Plafond wijzigen' }).click();
  await check(page, 'regeling-plafond-gewijzigd');
  await expectText(page, 'Het subsidieplafond is gewijzigd.', 'after changing');
  await expectText(page, 'Reden: Extra middelen na de voorjaarsnota.', 'the change in the history');
  await expectText(page, 'Beheerder Bakker', 'who changed it');
}

// Adds an instrument from the programme changes of /beheer: first with a window outside
// the programme's period (the engine's refusal next to the field), then as it should be.
async function addInstrument(page) {
  await page.getByRole('link', { name: 'Terug naar de toewijzing' }).click();
  await page.getByRole('link', { name: 'Regeling toevoegen aan Versterking eerstelijnszorg' }).click();
  await check(page, 'regeling-toevoegen');
  await page.getByLabel('Code', { exact: true }).fill('innovatie');
  await page.getByLabel('Naam', { exact: true }).fill('Innovatieregeling');
  await page.getByLabel('Soort regeling', { exact: true }).selectOption('uitvoering');
  await page.getByLabel('Verdeling van het budget', { exact: true }).selectOption('volgorde-van-binnenkomst');
  await page.getByLabel('Subsidieplafond in euro', { exact: true }).fill('1.000.000,00');
  await page.getByLabel('Minimumbedrag per aanvraag in euro', { exact: true }).fill('10.000,00');
  await page.getByLabel('Maximumbedrag per aanvraag in euro', { exact: true }).fill('100.000,00');
  await page.getByLabel('Open vanaf', { exact: true }).fill('2025-04-01');
  await page.getByLabel('Open tot en met', { exact: true }).fill('2027-06-30');
  await page.getByRole('button', { name: 'Regeling toevoegen' }).click();
  await check(page, 'regeling-toevoegen-fout', { status: 422 });
  await expectText(page, 'valt niet binnen de looptijd van het programma', 'the engine message for the window');
  await page.getByRole('link', { name: /Open vanaf: / }).click();
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
  if (focused !== 'veld-openVanaf') fail(`the error summary's link did not lead to the field (${focused})`);
  if ((await page.getByLabel('Code', { exact: true }).inputValue()) !== 'innovatie') fail('the code typed was not kept');
  await page.getByLabel('Open tot en met', { exact: true }).fill('2025-06-30');
  await page.getByRole('button', { name: 'Regeling toevoegen' }).click();
  await page.waitForURL(/\/beheer\/regelingen\/innovatie\?gedaan=toegevoegd/);
  await check(page, 'regeling-toegevoegd');
  await expectText(page, 'De regeling is toegevoegd', 'after adding');
  await expectText(page, 'Regeling toegevoegd door Beheerder Bakker', 'the addition in the history');
  await expectText(page, '€ 1.000.000,00', 'the new ceiling');
  await page.getByRole('link', { name: 'Terug naar de toewijzing' }).click();
  await expectText(page, 'Innovatieregeling', 'the new instrument among the others');
}

async function usersAndTokens(page) {
  await page.getByRole('link', { name: 'Gebruikers', exact: true }).click();
  await check(page, 'gebruikers');
  await expectText(page, 'Aanvrager r01', 'the applicants in the list');
  const form = page.getByRole('region', { name: 'Nieuwe gebruiker' });
  await form.getByLabel('Naam', { exact: true }).fill('');
  await form.getByLabel('E-mailadres', { exact: true }).fill('karin@zonmw.example.nl');
  await form.getByLabel('Rol', { exact: true }).selectOption('aanvrager');
  // The browser's own check would stop an empty required field; the engine's is tested.
  await page.evaluate(() => document.querySelectorAll('form').forEach((f) => (f.noValidate = true)));
  await form.getByRole('button', { name: 'Gebruiker aanmaken' }).click();
  await check(page, 'gebruiker-fouten', { status: 422 });
  await expectText(page, 'Naam: de naam is leeg', 'the engine message for the name');
  await expectText(page, 'Organisatie: een aanvrager hoort bij een organisatie', 'the engine message for the organisation');
  const kept = await page.getByLabel('E-mailadres', { exact: true }).inputValue();
  if (kept !== 'karin@zonmw.example.nl') fail(`the e-mail address typed was not kept (${kept})`);

  await page.getByLabel('Naam', { exact: true }).fill('Karin Bos');
  await page.getByLabel('Rol', { exact: true }).selectOption('beoordelaar');
  await page.getByRole('button', { name: 'Gebruiker aanmaken' }).click();
  await check(page, 'gebruiker-aangemaakt');
  await expectText(page, 'De gebruiker is aangemaakt', 'after creating');

  await page.getByLabel('Label', { exact: true }).fill('koppeling werkvoorraad');
  await page.getByRole('button', { name: 'Token uitgeven' }).click();
  await check(page, 'token-uitgegeven');
  const secret = (await page.locator('#token-geheim').innerText()).trim();
  if (!/^[0-9a-f]{64}$/.test(secret)) fail(`the token shown '${secret}' is not 64 hex characters`);
  await expectText(page, 'Geldig', 'the new token in the list');

  await page.getByRole('button', { name: /Token koppeling werkvoorraad .* intrekken/ }).click();
  await check(page, 'token-ingetrokken');
  await expectText(page, 'Het token is ingetrokken', 'after revoking');
  await expectText(page, 'Ingetrokken op', 'the token in the list');

  await page.getByLabel('Regio', { exact: true }).selectOption('r01');
  await page.getByRole('button', { name: 'Belangenconflict melden' }).click();
  await check(page, 'belangenconflict');
  await expectText(page, 'Het belangenconflict is vastgelegd', 'after declaring');
}

async function organisation(page) {
  await page.getByRole('link', { name: 'Organisaties', exact: true }).click();
  await check(page, 'organisaties');
  await page.getByRole('link', { name: 'Stichting Eerstelijn r01' }).click();
  await check(page, 'organisatie');
  await page.getByLabel('IBAN', { exact: true }).fill('NL00ABNA0000000000');
  await page.getByRole('button', { name: 'Wijzigingen opslaan' }).click();
  await check(page, 'organisatie-fout', { status: 422 });
  await expectText(page, 'IBAN:', 'the engine message for the IBAN');
  if ((await page.getByLabel('IBAN', { exact: true }).inputValue()) !== 'NL00ABNA0000000000') fail('the IBAN typed was not kept');
  await page.getByLabel('IBAN', { exact: true }).fill('NL20 INGB 0001 2345 67');
  await page.getByLabel('Contactpersoon', { exact: true }).fill('Mw. J. de Boer');
  await page.getByRole('button', { name: 'Wijzigingen opslaan' }).click();
  await check(page, 'organisatie-gewijzigd');
  await expectText(page, 'De wijziging is vastgelegd', 'after changing');
  const iban = await page.getByLabel('IBAN', { exact: true }).inputValue();
  if (iban !== 'NL20INGB0001234567') fail(`the IBAN is not stored in its electronic form: '${iban}'`);
  await expectText(page, "→ 'NL** **** **** **45 67'", 'the change in the history, the account masked');
  await expectText(page, 'Beheerder Bakker', 'who changed it, in the history');
}

async function outbox(page) {
  await page.getByRole('link', { name: 'E-mail', exact: true }).click();
  await check(page, 'berichten');
  await expectText(page, 'info@r02.example.org', 'the failed message');
  await expectText(page, 'bestaat_niet', 'its last error');
  await page.getByRole('button', { name: 'Bericht aan info@r02.example.org opnieuw versturen' }).click();
  await check(page, 'bericht-opnieuw');
  await expectText(page, 'Het bericht staat weer in de wachtrij', 'after sending again');
  await page.goto(`${base}/beheer/taken/bestaat-niet`);
  await check(page, 'taak-onbekend', { status: 404 });
}

await run(async (browser, pages) => {
  const page = await newPage(browser);
  pages.push(page);
  await allocate(page);
  await recomputeLottery(page);
  await closeWaitingList(page);
  await changeCeiling(page);
  await addInstrument(page);
  await usersAndTokens(page);
  await organisation(page);
  await outbox(page);
});
