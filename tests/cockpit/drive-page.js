// SPDX-License-Identifier: GPL-2.0-or-later
// Drives Debian's chromium (headless, through playwright-core; never a downloaded browser)
// against the Cockpit page that tests/cockpit/test-cockpit.py serves, and checks what a user
// sees: the modules listed, and one that comes and goes; what a sub-model cannot do greyed
// with its reason; an error in words (English and Chinese); an update from a URL and one from
// an uploaded file, each with live progress to 100 % and the new revision; an upload cancelled;
// the question before leaving mid-update; an update another program runs, followed the same
// way; the service gone. Lines "ask: add", "ask: remove PATH", "ask: update-elsewhere PATH" and
// "ask: stop-service" on stdout ask test-cockpit.py to act on the bus.
//
// Usage: node drive-page.js CONFIG.json (written by test-cockpit.py). Exit 0: every check held.
'use strict';

const fs = require('fs');
const { chromium } = require('playwright-core');

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const STEP_MS = 30000;

const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

function check(condition, message) {
  if (!condition)
    throw new Error('check failed: ' + message);
}

function log(message) {
  process.stderr.write('drive-page: ' + message + '\n');
}

// A request to test-cockpit.py, which does it on the bus while the page watches.
function ask(what) {
  process.stdout.write('ask: ' + what + '\n');
}

function card(page, module) {
  return page.locator(`section.module[data-path="${module.path}"]`);
}

async function text(locator) {
  return (await locator.textContent()).trim();
}

async function openPage(browser, locale) {
  const context = await browser.newContext({ locale, viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', e => log('page error: ' + e));
  page.on('console', m => { if (m.type() === 'error') log('console: ' + m.text()); });
  await page.goto(config.url);
  await page.waitForSelector('body[data-ready="yes"]', { timeout: STEP_MS });
  return page;
}

// The identity fields, and the greyed abilities, of each module.
async function checkListed(page) {
  for (const module of [config.ml, config.mn]) {
    const c = card(page, module);
    await c.waitFor({ timeout: STEP_MS });
    check(await text(c.locator('dd.model')) === module.model, 'model of ' + module.path);
    check(await text(c.locator('dd.sub-model')) === module.subModel, 'sub-model of ' + module.path);
    check(await text(c.locator('dd.revision')) === module.revision, 'revision of ' + module.path);
    check(await text(c.locator('dd.imei')) === module.imei, 'IMEI of ' + module.path);
    check(await text(c.locator('dd.port')) === module.port, 'port of ' + module.path);
    check(await text(c.locator('dd.state')) === 'idle', 'state of ' + module.path);
  }
  const ml = card(page, config.ml);
  check(await ml.locator('form.from-file').getAttribute('data-supported') === 'no',
        'ML30x upload not greyed');
  check(await ml.locator('button.update-file').isDisabled(), 'ML30x upload button enabled');
  const limits = await ml.locator('ul.limits li.unsupported').allTextContents();
  check(limits.some(l => l.includes('Update from a file') && l.includes('downloads its firmware itself')),
        'no reason for the missing upload: ' + JSON.stringify(limits));
  check(limits.some(l => l.includes('Update from an https URL')), 'https not greyed: ' + JSON.stringify(limits));
  const mn = card(page, config.mn);
  check(await mn.locator('form.from-file').getAttribute('data-supported') === 'yes', 'MN316-S upload greyed');
  check(!(await mn.locator('button.update-file').isDisabled()), 'MN316-S upload button disabled');
}

// A module that comes and goes while the page is open: its card comes and goes too.
async function checkComesAndGoes(page) {
  const extra = page.locator('section.module', { has: page.locator(`h2:text-is("${config.extra.subModel}")`) });
  check(await extra.count() === 0, 'the extra module is listed before it was added');
  ask('add');
  await extra.waitFor({ timeout: STEP_MS });
  const path = await extra.getAttribute('data-path');
  check(await text(extra.locator('dd.port')) === config.extra.port, 'port of the added module');
  ask('remove ' + path);
  await extra.waitFor({ state: 'detached', timeout: STEP_MS });
  log('a module added and removed came and went: ' + path);
}

// A URL the sub-model cannot use: the service's NotSupported, shown in words.
async function checkError(page, expected) {
  const c = card(page, config.ml);
  await c.locator('input.url').fill(config.ml.badUrl);
  await c.locator('button.update-url').click();
  const outcome = c.locator('p.outcome.error');
  await outcome.waitFor({ timeout: STEP_MS });
  check(await outcome.getAttribute('data-error') === 'org.onemo.Firmware.Error.NotSupported',
        'error name: ' + await outcome.getAttribute('data-error'));
  const words = await text(outcome);
  check(words.startsWith(expected), `error words: "${words}", expected "${expected}…"`);
  log('error shown: ' + words);
}

// Samples both bars until the outcome shows, so that the test sees them move.
async function followBars(c, during) {
  const samples = { download: [], upgrade: [] };
  const outcome = c.locator('p.outcome');
  const deadline = Date.now() + STEP_MS * 2;
  let extra = during;
  while (await outcome.isHidden() && Date.now() < deadline) {
    for (const bar of ['download', 'upgrade']) {
      const value = await c.locator('progress.' + bar).getAttribute('data-percent');
      if (value !== null && value !== '')
        samples[bar].push(Number(value));
    }
    if (extra && await extra.when())
      extra = await extra.run() ? null : extra;
    await new Promise(r => setTimeout(r, 40));
  }
  return samples;
}

async function checkUpdated(c, module, samples, moving, words = 'Updated: the module now runs ') {
  const outcome = c.locator('p.outcome');
  check(await outcome.getAttribute('class') === 'outcome success', 'update failed: ' + await text(outcome));
  check(await text(outcome) === words + module.newRevision, 'outcome: ' + await text(outcome));
  check(await text(c.locator('dd.revision')) === module.newRevision, 'revision not shown');
  for (const bar of ['download', 'upgrade'])
    check(await c.locator('progress.' + bar).getAttribute('data-percent') === '100', bar + ' bar not at 100 %');
  const between = samples[moving].filter(v => v > 0 && v < 100);
  check(between.length > 0, `the ${moving} bar never moved: ${JSON.stringify(samples[moving])}`);
  log(`${module.subModel}: ${moving} bar seen at ${JSON.stringify([...new Set(between)])}`);
}

// An update from a URL; while it runs, leaving the page asks first (and staying keeps it).
async function checkUrlUpdate(page) {
  const c = card(page, config.ml);
  await c.locator('input.url').fill(config.ml.goodUrl);
  await c.locator('button.update-url').click();
  let asked = null;
  page.once('dialog', async dialog => {
    asked = dialog.type();
    await dialog.dismiss();
  });
  const leave = {
    when: async () => ['upgrading', 'rebooting'].includes(await text(c.locator('dd.state'))),
    run: async () => {
      log('leaving the page while ' + await text(c.locator('dd.state')));
      await page.close({ runBeforeUnload: true });
      return true;
    },
  };
  const samples = await followBars(c, leave);
  await checkUpdated(c, config.ml, samples, 'upgrade');
  check(asked === 'beforeunload', 'leaving during the update did not ask: ' + asked);
}

// Cancel while an upload is being written: onemo-fwctl's result line says Cancelled, in words.
async function checkCancel(page) {
  const c = card(page, config.mn);
  await c.locator('input.file').setInputFiles(config.mn.file);
  await c.locator('button.update-file').click();
  await page.waitForFunction(p => document.querySelector(`section.module[data-path="${p}"] dd.state`)
    .textContent === 'writing', config.mn.path, { timeout: STEP_MS, polling: 20 });
  await c.locator('button.cancel').click();
  const outcome = c.locator('p.outcome.error');
  await outcome.waitFor({ timeout: STEP_MS });
  check(await outcome.getAttribute('data-error') === 'org.onemo.Firmware.Error.Cancelled',
        'cancel: ' + await outcome.getAttribute('data-error') + ': ' + await text(outcome));
  check((await text(outcome)).startsWith('Cancelled'), 'cancel words: ' + await text(outcome));
  check(await text(c.locator('dd.revision')) === config.mn.revision, 'a cancelled upload changed the revision');
  log('cancel shown: ' + await text(outcome));
}

async function checkFileUpdate(page) {
  const c = card(page, config.mn);
  await c.locator('input.file').setInputFiles(config.mn.file);
  await c.locator('button.update-file').click();
  const samples = await followBars(c, null);
  await checkUpdated(c, config.mn, samples, 'download');
}

// onemo-fwctl (as an OTA engine would) updates a module the page only shows: its bars move
// and the outcome says so; the page offers Cancel meanwhile, but no update of its own.
async function checkOthersUpdate(page) {
  const extra = page.locator('section.module', { has: page.locator(`h2:text-is("${config.extra.subModel}")`) });
  ask('add');
  await extra.waitFor({ timeout: STEP_MS });
  const path = await extra.getAttribute('data-path');
  check(await extra.locator('p.outcome').isHidden(), 'an outcome before any update');
  ask('update-elsewhere ' + path);
  await page.waitForFunction(p => document.querySelector(`section.module[data-path="${p}"] dd.state`)
    .textContent === 'writing', path, { timeout: STEP_MS, polling: 20 });
  await extra.locator('div.progress').waitFor({ timeout: STEP_MS });
  check(await extra.locator('button.update-url').isDisabled(), 'the page offers an update meanwhile');
  check(!(await extra.locator('button.cancel').isDisabled()), 'no Cancel for the running update');
  const samples = await followBars(extra, null);
  await checkUpdated(extra, config.extra, samples, 'download', 'Updated by another program: the module now runs ');
  check(!(await extra.locator('button.update-url').isDisabled()), 'the page stays busy after it');
}

// The service stops: the page says so in words.
async function checkServiceGone(page) {
  ask('stop-service');
  const status = page.locator('#service-status');
  await status.waitFor({ timeout: STEP_MS });
  check(await text(status) === 'The firmware service is not running', 'status: ' + await text(status));
  check(await page.locator('#modules.stale').count() === 1, 'the cards are not greyed');
  log('service gone shown: ' + await text(status));
}

async function main() {
  const browser = await chromium.launch({
    executablePath: config.chromium, headless: true, args: CHROMIUM_FLAGS,
  });
  try {
    const page = await openPage(browser, 'en-US');
    await checkListed(page);
    log('both modules listed');
    await checkComesAndGoes(page);
    await checkError(page, 'The module does not support this');
    await checkUrlUpdate(page);
    await checkCancel(page);
    await checkFileUpdate(page);
    await page.screenshot({ path: config.screenshot, fullPage: true });
    await checkOthersUpdate(page);
    const zh = await openPage(browser, 'zh-CN');
    check(await text(zh.locator('h1')) === '模组固件', 'the title is not in Chinese');
    await checkError(zh, '模组不支持此操作');
    await zh.close();
    await checkServiceGone(page);
  } finally {
    await browser.close();
  }
}

main().then(() => log('every check held'), e => {
  log(e.stack || String(e));
  process.exit(1);
});
