// End-to-end test of the dashboard in Debian's Chromium, driven by playwright-core.
//
//   node tests/browser/dashboard.test.mjs http://127.0.0.1:PORT SCREENSHOT_DIR
//
// The server must already hold the demo articles (tests/test_dashboard.py starts it).
// Exits 0 when every step passed; a failing step prints why and leaves failure.png.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

// playwright-core lives in web/node_modules (installed by `npm ci` there).
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { chromium } = createRequire(join(root, 'web', 'package.json'))('playwright-core');

const [base, shots = join(root, 'test-artifacts', 'screenshots')] = process.argv.slice(2);
if (!base) {
  console.error('usage: node dashboard.test.mjs BASE_URL [SCREENSHOT_DIR]');
  process.exit(2);
}
mkdirSync(shots, { recursive: true });
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const origin = new URL(base).origin;

const PASTED = 'Mali : attaque contre un camp militaire\n\n'
  + 'Des combattants jihadistes ont attaqué lundi un camp militaire à Gao, dans le nord du Mali, '
  + "a annoncé l'armée malienne.";
const HOSTILE = 'Attaque <script>window.__pwned=1</script> à Gao\n\n'
  + 'Des combattants jihadistes ont attaqué lundi un camp militaire à Gao, dans le nord du Mali. '
  + '<img src=x onerror="window.__pwned=1"> Le gouvernement a condamné <b>cette attaque</b>.';

const STORED_HOSTILE = 'Kidal <script>window.__pwned=1</script> attaquée\n\n'
  + 'Des rebelles ont attaqué mardi la ville de Kidal <img src=x onerror="window.__pwned=1"> '
  + 'dans le nord du Mali <b class="evil">sans faire de victimes</b>.';

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
page.setDefaultTimeout(20_000);

const problems = [];
page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`); });
// The dashboard must work offline: anything but the server itself is refused and reported.
await page.route('**/*', (route) => {
  const url = route.request().url();
  if (url.startsWith(origin) || url.startsWith('data:')) return route.continue();
  problems.push(`request to another origin: ${url}`);
  return route.abort();
});

let stepNo = 0;
async function step(name, fn) {
  stepNo += 1;
  const started = Date.now();
  try {
    await fn();
    console.log(`ok ${stepNo} - ${name} (${Date.now() - started} ms)`);
  } catch (err) {
    console.log(`not ok ${stepNo} - ${name}\n  ${String(err.stack || err).split('\n').join('\n  ')}`);
    await page.screenshot({ path: join(shots, 'failure.png'), fullPage: true }).catch(() => {});
    await browser.close();
    process.exit(1);
  }
}
const shot = (name) => page.screenshot({ path: join(shots, name), fullPage: true });
const idle = () => page.waitForSelector('body[data-state="idle"]');
const rows = () => page.locator('#table tbody tr');

await step('the dashboard loads over the demo store', async () => {
  const response = await page.goto(base);
  assert.equal(response.status(), 200);
  await idle();
  await page.waitForSelector('#table tbody tr');
  assert.ok(await rows().count() > 0, 'the table has rows');
  assert.match(await page.locator('#store-info').textContent(), /articles/);
});

await step('the map shows the bundled outlines and event dots', async () => {
  await page.waitForSelector('#map[data-basemap="ready"]');
  const outlines = await page.locator('.leaflet-basemap-pane path').count();
  assert.ok(outlines > 100, `country outlines drawn (${outlines})`);
  await page.waitForSelector('#map .es-dot, #map .es-cluster');
  const markers = await page.locator('#map .es-dot, #map .es-cluster').count();
  assert.ok(markers > 0, `markers on the map (${markers})`);
  const tiles = await page.locator('.leaflet-tile').count();
  assert.equal(tiles, 0, 'no tile layer');
  await shot('01-dashboard.png');
});

await step('filtering by type keeps only that type', async () => {
  await page.selectOption('#f-type', 'ASSAULT');
  await page.waitForFunction(() => {
    const types = [...document.querySelectorAll('#table tbody tr')].map((tr) => tr.dataset.type);
    return document.body.dataset.state === 'idle' && types.length > 0 && types.every((t) => t === 'ASSAULT');
  });
  const types = await rows().evaluateAll((trs) => trs.map((tr) => tr.dataset.type));
  assert.ok(types.length > 0 && types.every((t) => t === 'ASSAULT'), `types: ${types}`);
  assert.ok(await page.locator('#map .es-dot, #map .es-cluster').count() > 0, 'ASSAULT dots on the map');
  await shot('02-filter-assault.png');
});

await step('opening an event shows its article with highlighted evidence', async () => {
  const row = rows().first();
  const sentence = (await row.locator('td.sentence').textContent()).trim();
  await row.click();
  await page.waitForSelector('#article .article-text mark');
  const view = await page.evaluate(() => {
    const panel = document.getElementById('article');
    const evidence = panel.querySelector('.evidence');
    const clone = evidence.cloneNode(true);
    clone.querySelectorAll('.label').forEach((el) => el.remove());
    const kinds = [...new Set([...panel.querySelectorAll('mark')].map((m) => m.dataset.kind))];
    return { evidence: clone.textContent.trim(), kinds, card: panel.querySelector('.event-card dd.type')?.textContent };
  });
  assert.equal(view.evidence, sentence, 'the evidence sentence is the row\'s sentence');
  assert.ok(view.kinds.includes('trigger'), `trigger marked (${view.kinds})`);
  assert.ok(view.kinds.length >= 2, `several kinds of span marked (${view.kinds})`);
  assert.match(view.card, /ASSAULT/);
  // scrolled into view inside the article panel
  await page.waitForFunction(() => {
    const panel = document.getElementById('article').getBoundingClientRect();
    const ev = document.querySelector('#article .evidence').getBoundingClientRect();
    return ev.top >= panel.top - 1 && ev.top < panel.bottom;
  });
  await shot('03-article-view.png');
});

await step('a dot on the map opens its article too', async () => {
  await page.locator('#article').evaluate((el) => el.replaceChildren());
  // Events often share a place: a cluster spiderfies or zooms on click until dots show.
  for (let i = 0; i < 6 && await page.locator('#map .es-dot').count() === 0; i += 1) {
    await page.locator('#map .es-cluster').first().click();
    await page.waitForTimeout(700);
  }
  await page.locator('#map .es-dot').first().click({ force: true });
  await page.waitForSelector('#article .article-text mark');
  await page.waitForSelector('.leaflet-popup-content .popup');
});

await step('brushing the timeline sets the date range', async () => {
  await page.locator('#f-reset').click();
  await idle();
  // The reset's reload may redraw the timeline under the mouse on a loaded machine, which
  // drops that brush: brush again until the range is set.
  for (let attempt = 1; ; attempt += 1) {
    const overlay = page.locator('#timeline .brush-overlay');
    await overlay.waitFor({ state: 'visible' });
    const box = await overlay.boundingBox();  // null when redrawn in between: try again
    if (box === null) {
      if (attempt === 4) throw new Error('the timeline kept being redrawn');
      await idle();
      continue;
    }
    await page.mouse.move(box.x + 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    try {
      await page.waitForFunction(() => document.getElementById('f-until').value !== '',
        null, { timeout: 5_000 });
      break;
    } catch (err) {
      if (attempt === 4) throw err;
    }
  }
  await idle();
  const [since, until] = [await page.inputValue('#f-since'), await page.inputValue('#f-until')];
  assert.ok(since <= until, `${since} ≤ ${until}`);
  const dates = await rows().evaluateAll((trs) => trs.map((tr) => tr.cells[0].textContent));
  assert.ok(dates.every((d) => !d || (d >= since && d <= until)), `rows within ${since}…${until}: ${dates}`);
  await page.locator('#f-reset').click();
  await idle();
});

async function paste(text, date) {
  if (!await page.locator('#paste').evaluate((details) => details.open)) {
    await page.locator('#paste summary').click();
  }
  await page.fill('#paste-text', text);
  if (date) await page.fill('#paste-date', date);
  await page.click('#paste-submit');
  // the first extraction loads the language model
  await page.waitForSelector('#back-to-store', { timeout: 120_000 });
  await idle();
}

await step('pasting an article shows its events', async () => {
  await paste(PASTED, '2024-03-05');
  const types = await rows().evaluateAll((trs) => trs.map((tr) => tr.dataset.type));
  assert.ok(types.includes('ASSAULT'), `extracted types: ${types}`);
  await page.waitForSelector('#article .article-text mark[data-kind="trigger"]');
  const trigger = await page.locator('#article mark[data-kind="trigger"] > span').first().textContent();
  assert.match(trigger, /attaqu/);
  assert.match(await page.locator('#article .article-title').textContent(), /camp militaire/);
  assert.ok(await page.locator('#map .es-dot, #map .es-cluster').count() > 0, 'the pasted event is on the map');
  await shot('04-pasted-article.png');
});

await step('HTML in an article is shown as text, never run', async () => {
  await page.locator('#back-to-store').click();
  await idle();
  await paste(HOSTILE, '2024-03-05');
  const result = await page.evaluate(() => ({
    pwned: window.__pwned,
    scripts: document.querySelectorAll('#article script, #table script, .topbar script').length,
    images: document.querySelectorAll('#article img, #table img, img[src="x"]').length,
    bold: document.querySelectorAll('#article .article-text b').length,
    text: document.querySelector('#article .article-text').textContent,
    title: document.querySelector('#article .article-title').textContent,
  }));
  assert.equal(result.pwned, undefined, 'no injected code ran');
  assert.equal(result.scripts, 0, 'no <script> element created');
  assert.equal(result.images, 0, 'no <img> element created');
  assert.equal(result.bold, 0, 'no markup from the text');
  const shown = result.title + result.text;
  assert.ok(shown.includes('<script>window.__pwned=1</script>'), 'the script tag is shown literally');
  assert.ok(result.text.includes('<img src=x onerror="window.__pwned=1">'), 'the img tag is shown literally');
  await shot('05-inert-html.png');
});

// A stored article reaches the page through every reading route (table, map popup,
// article view), not only the paste box: it must be as inert there.
const apiKey = process.env.EVENTSCRIBE_API_KEY;
if (apiKey) {
  await step('HTML in a stored article is inert in the table, the popup and the article', async () => {
    const stored = await page.request.post(`${base}/api/articles`, {
      headers: { 'X-API-Key': apiKey },
      data: { text: STORED_HOSTILE, pub_date: '2024-03-06' },
    });
    assert.equal(stored.status(), 201, await stored.text());
    await page.locator('#back-to-store').click();
    await idle();
    await page.fill('#f-text', 'Kidal');
    await page.waitForFunction(() => {
      const trs = [...document.querySelectorAll('#table tbody tr')];
      return document.body.dataset.state === 'idle' && trs.length > 0 && trs.every((tr) => tr.textContent.includes('Kidal'));
    });
    await rows().first().click();
    await page.waitForSelector('#article .article-text mark');
    for (let i = 0; i < 6 && await page.locator('#map .es-dot').count() === 0; i += 1) {
      await page.locator('#map .es-cluster').first().click();
      await page.waitForTimeout(700);
    }
    await page.locator('#map .es-dot').first().click({ force: true });
    await page.waitForSelector('.leaflet-popup-content .popup');
    const result = await page.evaluate(() => ({
      pwned: window.__pwned,
      injected: document.querySelectorAll('script:not([src]), img[src="x"], #article img, #table img, .leaflet-popup img, body b.evil').length,
      table: document.querySelector('#table').textContent,
      article: document.querySelector('#article').textContent,
      popup: document.querySelector('.leaflet-popup-content').textContent,
    }));
    assert.equal(result.pwned, undefined, 'no injected code ran');
    assert.equal(result.injected, 0, 'no element made from the text');
    assert.ok(result.article.includes('<script>window.__pwned=1</script>'), 'title shown literally');
    for (const where of ['table', 'article', 'popup']) {
      assert.ok(result[where].includes('<img src=x onerror="window.__pwned=1">'), `literal in the ${where}`);
    }
    await shot('06-stored-html-inert.png');
  });
}

await step('no error, no request off the server', async () => {
  assert.deepEqual(problems, []);
});

await browser.close();
console.log(`all ${stepNo} steps passed; screenshots in ${shots}`);
