// Browser tests of the web application in headless Chromium (Debian's
// `chromium`, driven by playwright-core), with an axe-core accessibility
// scan of the main pages. Run by scripts/test; needs `npm ci` and
// SAFER_BIN (the safer binary).
//
// What it checks, as a user would: signing in, the dashboard, an agency
// lead updating their agency's action, the audit entry that update leaves,
// keyboard-only sign-in; a community safety officer recording a measure's
// value, adding an action, recording fund spend and refreshing a plan
// (seeing what changed); an analyst writing the key findings and reading
// them in the PDF; an administrator
// disabling a user, whose session and token then fail; a police
// caseworker referring a repeat victim to the JAG, the coordinator's agenda,
// decision and action for the council, the council completing it, and the
// fire service seeing none of it; and no serious or
// critical accessibility violations (WCAG 2.2 AA rules) on those pages.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const root = resolve(import.meta.dirname, '../..');
const safer = process.env.SAFER_BIN ?? join(root, 'target/debug/safer');
const chromiumPath = process.env.SAFER_CHROMIUM ?? '/usr/bin/chromium';
const work = mkdtempSync(join(tmpdir(), 'safer-browser-'));
const data = join(work, 'data');
let server;
let failures = 0;

function run(args, input) {
  return execFileSync(safer, ['--data-dir', data, ...args], { cwd: root, input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

function freePort() {
  return new Promise((ok) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => ok(port)); });
  });
}

async function check(name, fn) {
  try {
    await fn();
    console.log(`ok   ${name}`);
  } catch (e) {
    failures++;
    console.log(`FAIL ${name}\n     ${String(e?.stack ?? e).split('\n').slice(0, 6).join('\n     ')}`);
  }
}

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

const PASSWORD = 'correct horse battery staple';

try {
  // The Charnwood demo data, and users whose passwords the test knows.
  run(['demo', '--no-serve', '--out', join(work, 'out/psa'), '--reports', join(work, 'out')]);
  run(['user', 'add', 'lead', '--name', 'Police Lead', '--agency', 'Leicestershire Police', '--roles', 'agency_lead', '--password-stdin'], PASSWORD + '\n');
  run(['user', 'add', 'admin', '--name', 'Admin', '--agency', 'Charnwood Borough Council', '--roles', 'administrator', '--password-stdin'], PASSWORD + '\n');
  run(['user', 'add', 'officer', '--name', 'Safety Officer', '--agency', 'Charnwood Borough Council', '--roles', 'community_safety_officer', '--password-stdin'], PASSWORD + '\n');
  run(['user', 'add', 'analyst', '--name', 'Partnership Analyst', '--agency', 'Charnwood Borough Council', '--roles', 'analyst', '--password-stdin'], PASSWORD + '\n');
  run(['user', 'add', 'leaver', '--name', 'Leaving Partner', '--agency', 'Charnwood Borough Council', '--roles', 'read_only_partner', '--password-stdin'], PASSWORD + '\n');
  run(['user', 'add', 'police-worker', '--name', 'Police Caseworker', '--agency', 'Leicestershire Police', '--roles', 'caseworker', '--password-stdin'], PASSWORD + '\n');
  run(['user', 'add', 'council-worker', '--name', 'Council Caseworker', '--agency', 'Charnwood Borough Council', '--roles', 'caseworker', '--password-stdin'], PASSWORD + '\n');
  run(['user', 'add', 'fire-worker', '--name', 'Fire Caseworker', '--agency', 'Leicestershire Fire and Rescue Service', '--roles', 'caseworker', '--password-stdin'], PASSWORD + '\n');
  run(['user', 'add', 'coordinator', '--name', 'JAG Coordinator', '--agency', 'Charnwood Borough Council', '--roles', 'jag_coordinator', '--password-stdin'], PASSWORD + '\n');
  const leaverToken = run(['token', 'create', '--user', 'leaver', '--name', 'browser test', '--scopes', 'read']).trim();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  server = spawn(safer, ['--data-dir', data, 'serve', '--listen', `127.0.0.1:${port}`], { cwd: root, stdio: 'inherit' });
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(`${base}/sign-in`)).ok) break; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }

  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });

  async function signIn(page, username) {
    await page.goto(`${base}/sign-in`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: /sign in/i }).click();
    await page.waitForURL((u) => u.pathname === '/', { timeout: 10000 });
  }

  async function axe(page, label) {
    await page.addScriptTag({ path: join(root, 'node_modules/axe-core/axe.min.js') });
    const violations = await page.evaluate(async () => {
      const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help }));
    });
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert(serious.length === 0, `${label}: ${JSON.stringify(serious)}`);
  }

  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();

  await check('the sign-in page has no serious accessibility violations', async () => {
    await page.goto(`${base}/sign-in`);
    await axe(page, 'sign-in');
  });

  await check('a wrong password is refused without saying whether the user exists', async () => {
    await page.goto(`${base}/sign-in`);
    await page.getByLabel('Username').fill('lead');
    await page.getByLabel('Password').fill('not the password at all');
    await page.getByRole('button', { name: /sign in/i }).click();
    const text = await page.textContent('body');
    assert(!/does not exist|no such user|unknown user/i.test(text), 'the message reveals whether the user exists');
    assert(page.url().includes('/sign-in'), `not on the sign-in page: ${page.url()}`);
  });

  await check('signing in with the keyboard only reaches the dashboard', async () => {
    await page.goto(`${base}/sign-in`);
    await page.getByLabel('Username').focus();
    await page.keyboard.type('lead');
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname === '/', { timeout: 10000 });
    assert(/On track|No data|Monitoring|measures/i.test(await page.textContent('main')), 'the dashboard shows measures');
  });

  for (const [path, label] of [['/', 'dashboard'], ['/assessment', 'assessment explorer'], ['/plans/charnwood-2023-26', 'plan'], ['/assessment/report', 'printable assessment'], ['/plans/charnwood-2023-26/report', 'quarterly report']]) {
    await check(`the ${label} has no serious accessibility violations`, async () => {
      const r = await page.goto(`${base}${path}`);
      assert(r.ok(), `${path}: HTTP ${r.status()}`);
      await axe(page, label);
    });
  }

  let actionId;
  await check("an agency lead updates their agency's action", async () => {
    // The demo's police-led action: "Night-time economy plan …" (Leicestershire Police).
    const actions = await (await page.request.get(`${base}/api/v1/actions?plan=charnwood-2023-26`)).json();
    const list = Array.isArray(actions) ? actions : actions.actions;
    const mine = list.find((a) => a.lead_agency === 'Leicestershire Police');
    assert(mine, 'no Leicestershire Police action in the demo plan');
    actionId = mine.id;
    await page.goto(`${base}/actions/${actionId}/update`);
    await axe(page, 'action update form');
    await page.getByLabel('On track').check();
    await page.getByLabel('Progress').fill('Licensing input received; plan agreed (browser test)');
    await page.getByRole('button', { name: /save/i }).click();
    await page.waitForURL((u) => !u.pathname.endsWith('/update'), { timeout: 10000 });
    const plan = await page.goto(`${base}/plans/charnwood-2023-26`);
    assert(plan.ok(), 'plan page');
    assert((await page.textContent('main')).includes('plan agreed (browser test)'), 'the update is shown on the plan');
  });

  await check("an agency lead cannot update another agency's action", async () => {
    const actions = await (await page.request.get(`${base}/api/v1/actions?plan=charnwood-2023-26`)).json();
    const list = Array.isArray(actions) ? actions : actions.actions;
    const other = list.find((a) => a.lead_agency !== 'Leicestershire Police');
    // Another agency's action is not there for this lead (and the page says
    // nothing of whose it is).
    const r = await page.goto(`${base}/actions/${other.id}/update`);
    assert(r.status() === 404, `expected 404, got ${r.status()}`);
    assert(!(await page.textContent('main')).includes(other.lead_agency), 'the owner is not named');
  });

  await check('the update is in the audit log, and the chain verifies', async () => {
    const adminContext = await browser.newContext({ bypassCSP: true });
    const admin = await adminContext.newPage();
    await signIn(admin, 'admin');
    const r = await admin.goto(`${base}/admin/audit`);
    assert(r.ok(), `audit page: HTTP ${r.status()}`);
    const text = await admin.textContent('main');
    assert(text.includes('update_action') && text.includes(`action ${actionId}`), 'no audit entry for the update');
    assert(text.includes('lead'), 'the entry names who did it');
    await axe(admin, 'audit log');
    await adminContext.close();
    const out = execFileSync(safer, ['--data-dir', data, 'audit', 'verify'], { cwd: root, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    void out;
  });

  // A community safety officer's tasks, without a command line.
  const officerContext = await browser.newContext({ bypassCSP: true });
  const officer = await officerContext.newPage();
  await signIn(officer, 'officer');

  await check('a community safety officer records a measure value', async () => {
    await officer.goto(`${base}/plans/charnwood-2023-26/measures/p1-m4`);
    await axe(officer, 'measure page');
    await officer.getByLabel('Quarter', { exact: true }).selectOption({ label: 'Quarter 3 of 2024/25 (October to December 2024)' });
    await officer.getByLabel('Value').fill('97');
    await officer.getByLabel('Source note').fill('Youth service returns (browser test)');
    await officer.getByRole('button', { name: /save the value/i }).click();
    await officer.waitForURL((u) => u.search.includes('recorded='), { timeout: 10000 });
    const main = await officer.textContent('main');
    assert(main.includes('is saved') && main.includes('Youth service returns (browser test)'), 'the value is shown with its note');
  });

  await check('a community safety officer adds an action with its resources and outcome', async () => {
    await officer.goto(`${base}/plans/charnwood-2023-26/actions/new?priority=p2`);
    await axe(officer, 'action form');
    await officer.getByLabel('Prevention').check();
    await officer.getByLabel('Key action').fill('Street pastors on Friday nights (browser test)');
    await officer.getByLabel('Lead agency').selectOption({ label: 'Charnwood Borough Council' });
    await officer.getByLabel('Start').fill('2024-10-01');
    await officer.getByLabel('Due').fill('2025-03-31');
    await officer.getByLabel('Resource implications').fill('Twelve volunteers, one coordinator');
    await officer.getByLabel('Outcome target').fill('Forty nights covered');
    await officer.getByRole('button', { name: /add the action/i }).click();
    await officer.waitForURL((u) => u.search.includes('added='), { timeout: 10000 });
    const main = await officer.textContent('main');
    assert(main.includes('Street pastors on Friday nights (browser test)'), 'the action is on the plan');
    assert(main.includes('Twelve volunteers, one coordinator') && main.includes('Forty nights covered'), 'its resources and outcome are shown');
  });

  await check('a community safety officer records fund spend', async () => {
    await officer.goto(`${base}/fund`);
    await axe(officer, 'fund years');
    await officer.goto(`${base}/fund/charnwood/2024-25`);
    await axe(officer, 'fund year');
    await officer.locator('#project').selectOption({ index: 0 });
    await officer.locator('#spend_quarter').selectOption('3');
    await officer.getByLabel('Amount (£)').fill('1,234.56');
    await officer.getByLabel('Note').fill('browser test');
    await officer.getByRole('button', { name: /record the spend/i }).click();
    await officer.waitForURL((u) => u.search.includes('saved=spend'), { timeout: 10000 });
    const main = await officer.textContent('main');
    assert(main.includes('The spend is recorded.') && main.includes('£1,234.56'), 'the spend is shown');
  });
  await check('a community safety officer refreshes a plan and sees what changed', async () => {
    const original = readFileSync(join(root, 'examples/charnwood/plan-2023-26.toml'), 'utf8');
    const refreshed = original.replace('title = "', 'title = "Refreshed (browser test): ');
    await officer.goto(`${base}/plans/upload`);
    await axe(officer, 'plan upload');
    await officer.getByLabel('Plan file').setInputFiles({ name: 'plan-2023-26.toml', mimeType: 'text/plain', buffer: Buffer.from(refreshed) });
    await officer.getByRole('button', { name: /import the plan/i }).click();
    await officer.waitForURL((u) => u.search.includes('imported='), { timeout: 10000 });
    const main = await officer.textContent('main');
    assert(main.includes('The plan is imported.'), 'the banner says so');
    assert(main.includes('What the refresh of') && main.includes('title changed'), 'the plan says what changed');
  });
  await officerContext.close();

  await check("an analyst writes the key findings and sees them in the PDF", async () => {
    const analystContext = await browser.newContext({ bypassCSP: true, acceptDownloads: true });
    const analyst = await analystContext.newPage();
    await signIn(analyst, 'analyst');
    await analyst.goto(`${base}/assessment?district=Charnwood&year=2023/24`);
    await analyst.getByRole('link', { name: "Write the analyst's assessment" }).click();
    await analyst.waitForURL((u) => u.pathname === '/assessment/narrative', { timeout: 10000 });
    await axe(analyst, 'narrative form');
    await analyst.getByLabel('Key findings').fill('Shoplifting in Loughborough town centre drove the rise (browser test).');
    await analyst.getByLabel('Emerging threats').fill('Organised theft from retailers.');
    await analyst.getByRole('button', { name: /save the analyst's assessment/i }).click();
    await analyst.waitForURL((u) => u.search.includes('saved=1'), { timeout: 10000 });
    assert((await analyst.textContent('main')).includes("The analyst's assessment is saved."), 'the banner says so');
    await analyst.goto(`${base}/assessment?district=Charnwood&year=2023/24`);
    assert((await analyst.textContent('main')).includes('drove the rise (browser test)'), 'the explorer shows it');
    const [download] = await Promise.all([
      analyst.waitForEvent('download', { timeout: 60000 }),
      analyst.getByRole('link', { name: 'The assessment as PDF' }).click(),
    ]);
    const pdf = join(work, 'assessment.pdf');
    await download.saveAs(pdf);
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    assert(text.includes("The analyst's assessment") && text.includes('Key findings'), 'the PDF has the section');
    assert(text.includes('drove the rise (browser test)') && text.includes('Organised theft from retailers.'), 'the PDF has the findings');
    await analystContext.close();
  });

  await check('an administrator disables a user, whose session and token then fail', async () => {
    const leaverContext = await browser.newContext({ bypassCSP: true });
    const leaver = await leaverContext.newPage();
    await signIn(leaver, 'leaver');
    const before = await fetch(`${base}/api/v1/plans`, { headers: { Authorization: `Bearer ${leaverToken}` } });
    assert(before.status === 200, `the token works first: ${before.status}`);
    const adminContext = await browser.newContext({ bypassCSP: true });
    const admin = await adminContext.newPage();
    await signIn(admin, 'admin');
    await admin.goto(`${base}/admin/users`);
    await axe(admin, 'users');
    await admin.getByRole('button', { name: 'Disable leaver' }).click();
    await admin.waitForURL((u) => u.search.includes('saved=disabled'), { timeout: 10000 });
    assert((await admin.textContent('main')).includes('leaver is disabled'), 'the banner says so');
    await admin.goto(`${base}/admin/audit?what=disable_user`);
    await axe(admin, 'audit search');
    assert((await admin.textContent('main')).includes('user leaver'), 'the log has it');
    await adminContext.close();
    const r = await leaver.goto(`${base}/`);
    assert(leaver.url().includes('/sign-in'), `the session ended: ${leaver.url()} ${r.status()}`);
    const after = await fetch(`${base}/api/v1/plans`, { headers: { Authorization: `Bearer ${leaverToken}` } });
    assert(after.status === 401, `the token stopped: ${after.status}`);
    await leaverContext.close();
  });

  await check('a police caseworker refers a repeat victim, the JAG decides and the council completes its action; the fire service sees none of it', async () => {
    const title = 'Browser test: repeated ASB at a ground-floor flat';
    const victim = 'Robin Testcase';
    const day = (ago) => new Date(Date.now() - ago * 86400000).toISOString().slice(0, 10);
    const ctx = await browser.newContext({ bypassCSP: true });
    const police = await ctx.newPage();
    await signIn(police, 'police-worker');
    await police.goto(`${base}/cases/new`);
    await axe(police, 'referral form');
    await police.selectOption('#forum', 'jag');
    await police.selectOption('#case_type', 'asb');
    await police.fill('#title', title);
    await police.getByLabel('High').check();
    await police.fill('#reason', 'Eggs and stones thrown at the windows; the tenant is afraid to go out.');
    await police.fill('#p1_name', victim);
    await police.selectOption('#p1_role', 'victim');
    await police.fill('#p1_age_from', '60');
    await police.fill('#p1_age_to', '69');
    await police.getByRole('button', { name: 'Refer the case' }).click();
    await police.waitForURL((u) => /^\/cases\/\d+$/.test(u.pathname), { timeout: 10000 });
    const caseUrl = new URL(police.url()).pathname;
    assert((await police.textContent('main')).includes('The case is referred to the forum.'), 'the banner says so');
    for (const [ago, what] of [[40, 'Stones thrown at the window'], [20, 'Eggs thrown at the door'], [5, 'Abuse shouted through the letterbox']]) {
      await police.getByLabel('Incident').check();
      await police.fill('#on', day(ago));
      await police.fill('#entry-text', what);
      await police.getByRole('button', { name: 'Add the entry' }).click();
      await police.waitForURL((u) => u.search.includes('done=entry'), { timeout: 10000 });
    }
    const file = await police.textContent('main');
    assert(file.includes('Repeat victim: 3 incidents in the last 3 months'), 'the victim is flagged as a repeat victim');
    await axe(police, 'case page');

    const jagCtx = await browser.newContext({ bypassCSP: true });
    const jag = await jagCtx.newPage();
    await signIn(jag, 'coordinator');
    await jag.goto(`${base}/meetings`);
    await axe(jag, 'meetings');
    await jag.selectOption('#forum', 'jag');
    await jag.fill('#held_on', day(0));
    await jag.fill('#chair', 'Chair of the JAG');
    await jag.getByLabel('Charnwood Borough Council').check();
    await jag.getByLabel('Leicestershire Police').check();
    await jag.getByRole('button', { name: 'Add the meeting' }).click();
    await jag.waitForURL((u) => /^\/meetings\/\d+$/.test(u.pathname), { timeout: 10000 });
    const meetingUrl = new URL(jag.url()).pathname;
    assert((await jag.textContent('main')).includes(title), 'the referral is on the agenda');
    await axe(jag, 'agenda');
    await jag.goto(`${base}${caseUrl}`);
    await jag.locator('#decision').check();
    await jag.getByRole('button', { name: 'Record the decision' }).click();
    await jag.waitForURL((u) => u.search.includes('done=decision'), { timeout: 10000 });
    await jag.goto(`${base}${meetingUrl}`);
    const caseId = caseUrl.split('/').pop();
    await jag.selectOption('#case', caseId);
    await jag.fill('#decision', 'Joint visit; the council to fit a door camera.');
    await jag.selectOption('#agency', { label: 'Charnwood Borough Council' });
    await jag.fill('#owner', 'ASB officer');
    await jag.fill('#action', 'Fit a door camera at the flat');
    await jag.fill('#due', day(-14));
    await jag.getByRole('button', { name: 'Record the decision' }).click();
    await jag.waitForURL((u) => u.search.includes('done=1'), { timeout: 10000 });
    await jag.goto(`${base}${meetingUrl}/minutes`);
    const minutes = await jag.textContent('body');
    assert(minutes.includes('Joint visit; the council to fit a door camera.') && minutes.includes('Fit a door camera at the flat'), 'the minutes hold the decision and the action');
    await jagCtx.close();
    // The PDF of the minutes holds the same, and the fire service's copy
    // nothing of the case.
    const pdfText = async (ctxUser, path) => {
      const c = await browser.newContext({ bypassCSP: true, acceptDownloads: true });
      const p = await c.newPage();
      await signIn(p, ctxUser);
      const r = await p.request.get(`${base}${path}`);
      assert(r.status() === 200 && r.headers()['content-type'] === 'application/pdf', `${path} as ${ctxUser}: ${r.status()}`);
      const file = join(work, `${ctxUser}-${path.replace(/\W+/g, '-')}.pdf`);
      const { writeFileSync } = await import('node:fs');
      writeFileSync(file, await r.body());
      await c.close();
      return execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    };
    const jagPdf = await pdfText('coordinator', `${meetingUrl}/minutes.pdf`);
    assert(jagPdf.includes('Joint visit; the council to fit a door camera.') && jagPdf.includes('Fit a door camera'), `the minutes PDF holds the decision and the action: ${jagPdf.slice(0, 600)}`);
    const firePdf = await pdfText('fire-worker', `${meetingUrl}/minutes.pdf`);
    assert(!firePdf.includes('door camera') && firePdf.includes('Leicestershire Fire and Rescue Service'), "the fire service's PDF is its own copy, without the case");

    const councilCtx = await browser.newContext({ bypassCSP: true });
    const council = await councilCtx.newPage();
    await signIn(council, 'council-worker');
    await council.goto(`${base}/case-actions`);
    await axe(council, 'case actions');
    assert((await council.textContent('main')).includes('Fit a door camera at the flat'), 'the council sees its action');
    await council.goto(`${base}${caseUrl}`);
    const form = council.locator('form[action^="/case-actions/"]');
    await form.locator('select').selectOption('done');
    await form.locator('textarea').fill('Camera fitted and working.');
    await form.getByRole('button', { name: 'Record the update' }).click();
    await council.waitForURL((u) => u.search.includes('done=update'), { timeout: 10000 });
    const after = await council.textContent('main');
    assert(after.includes('Camera fitted and working.') && /due [0-9-]+: Done/.test(after), 'the action is done');
    await councilCtx.close();

    const fireCtx = await browser.newContext({ bypassCSP: true });
    const fire = await fireCtx.newPage();
    await signIn(fire, 'fire-worker');
    await fire.goto(`${base}/cases`);
    assert(!(await fire.textContent('main')).includes(title), 'the fire service does not list the case');
    const r = await fire.goto(`${base}${caseUrl}`);
    assert(r.status() === 404, `the fire service gets 404 for the case: ${r.status()}`);
    assert(!(await fire.textContent('main')).includes(victim), 'the 404 names no one');
    await fire.goto(`${base}/search?q=${encodeURIComponent(victim)}`);
    assert((await fire.locator('a[href^="/people/"]').count()) === 0, 'the search finds no one');
    await fire.goto(`${base}${meetingUrl}/minutes`);
    const fireMinutes = await fire.textContent('body');
    assert(!fireMinutes.includes(title) && !fireMinutes.includes('door camera'), "the fire service's minutes hold nothing of it");
    await fireCtx.close();
    await ctx.close();
  });

  await check('a Community Trigger goes from the public form to the published s104 figures', async () => {
    const day = (ago) => new Date(Date.now() - ago * 86400000).toISOString().slice(0, 10);
    const from = day(360);
    const to = day(0);
    const figures = async (p) => {
      await p.goto(`${base}/community-trigger/statistics?from=${from}&to=${to}`);
      const n = async (label) => Number((await p.locator('tr', { hasText: label }).locator('td').first().textContent()).replace(/,/g, ''));
      return { applications: await n('Applications received'), reviews: await n('Reviews carried out') };
    };
    const publicCtx = await browser.newContext({ bypassCSP: true });
    const pub = await publicCtx.newPage();
    const before = await figures(pub);
    await axe(pub, 'published case review figures');
    await pub.goto(`${base}/community-trigger`);
    await axe(pub, 'public application form');
    await pub.getByLabel('Your full name').fill('Browser Applicant');
    await pub.getByLabel('Your email address or telephone number').fill('applicant@example.org');
    await pub.getByLabel('The address or place where the behaviour happens').fill('12 Test Street');
    await pub.getByLabel('What is happening, and how it affects you').fill('Fireworks thrown at the house most nights.');
    for (const [n, ago, to] of [[1, 70, 'Police'], [2, 40, 'Council'], [3, 10, 'Housing']]) {
      await pub.fill(`#happened-${n}`, day(ago));
      await pub.fill(`#reported-${n}`, day(ago - 1));
      await pub.fill(`#to-${n}`, to);
    }
    await pub.getByLabel('I believe no effective action has been taken').check();
    await pub.getByRole('button', { name: 'Send my application' }).click();
    await pub.waitForSelector('.govuk-panel__title');
    const reference = (await pub.textContent('.govuk-panel__body')).match(/CT-\d{4}-\d{4}/)?.[0];
    assert(reference, 'the applicant is given a reference');
    await axe(pub, 'application received');

    const officerCtx = await browser.newContext({ bypassCSP: true });
    const officer = await officerCtx.newPage();
    await signIn(officer, 'officer');
    await officer.goto(`${base}/triggers`);
    await axe(officer, 'case review applications');
    await officer.getByRole('link', { name: reference }).click();
    await officer.waitForURL((u) => /^\/triggers\/\d+$/.test(u.pathname), { timeout: 10000 });
    const appUrl = new URL(officer.url()).pathname;
    const file = await officer.textContent('main');
    assert(file.includes('The rules find the threshold met'), 'the rules find the statutory threshold met');
    await axe(officer, 'case review application');
    await officer.getByRole('button', { name: 'Record it acknowledged today' }).click();
    await officer.waitForURL((u) => u.search.includes('done=acknowledged'), { timeout: 10000 });
    await officer.locator('#decision').check();
    await officer.getByRole('button', { name: 'Record the decision' }).click();
    await officer.waitForURL((u) => u.search.includes('done=decided'), { timeout: 10000 });
    await officer.fill('#outcome', 'The panel agreed patrols and a warning to the household responsible.');
    await officer.getByRole('button', { name: 'Record the review' }).click();
    await officer.waitForURL((u) => u.search.includes('done=reviewed'), { timeout: 10000 });
    const letter = await officer.request.get(`${base}${appUrl}/letter?kind=outcome`);
    assert(letter.status() === 200 && (await letter.text()).includes('Dear Browser Applicant'), 'the outcome letter is written from the template');
    await officerCtx.close();

    const after = await figures(pub);
    assert(after.applications === before.applications + 1, `the application is counted: ${JSON.stringify([before, after])}`);
    assert(after.reviews === before.reviews + 1, `the review is counted: ${JSON.stringify([before, after])}`);
    assert(!(await pub.textContent('main')).includes('Browser Applicant'), 'the figures name no one');
    await publicCtx.close();
  });

  await check('an ABC from signature to completed without breach is counted in the quarterly report', async () => {
    const ctx = await browser.newContext({ bypassCSP: true });
    const p = await ctx.newPage();
    await signIn(p, 'officer');
    const report = `${base}/plans/charnwood-2023-26/report?quarter=2024-Q2`;
    const completed = async () => {
      await p.goto(report);
      const html = await p.content();
      const i = html.indexOf('completed without a breach');
      const m = html.slice(i).match(/Why: <\/span>(\d+) so far/);
      assert(m, 'the ABC measure has a figure');
      return Number(m[1]);
    };
    const before = await completed();
    // A young person on the demo's repeat-victim case, up the ladder to a
    // contract signed on 1 March 2024, which ends on 1 September 2024
    // with no breach: completed in 2024/25 quarter 2.
    const workerCtx = await browser.newContext({ bypassCSP: true });
    const worker = await workerCtx.newPage();
    await signIn(worker, 'police-worker');
    await worker.goto(`${base}/cases`);
    await worker.getByRole('link', { name: /Repeated ASB at an older resident's home/ }).click();
    await worker.waitForURL((u) => /^\/cases\/\d+$/.test(u.pathname), { timeout: 10000 });
    await worker.getByRole('link', { name: 'Escalation and youth work' }).click();
    await worker.waitForURL((u) => u.pathname.endsWith('/escalation'), { timeout: 10000 });
    await axe(worker, 'escalation page');
    for (const [step, on] of [['early_intervention', '2024-01-10'], ['first_warning', '2024-01-20'], ['final_warning', '2024-02-01']]) {
      await worker.selectOption('#step', step);
      await worker.fill('#step-on', on);
      await worker.getByLabel('A parent or guardian is involved').check();
      await worker.getByRole('button', { name: 'Record the step' }).click();
      await worker.waitForURL((u) => u.search.includes('done=step'), { timeout: 10000 });
    }
    await worker.selectOption('#step', 'acceptable_behaviour_contract');
    await worker.fill('#step-on', '2024-03-01');
    await worker.fill('#terms', 'Not to gather outside the house\nTo attend the youth club');
    const name = (await worker.locator('#person option').first().textContent()).trim();
    await worker.fill('#parties', `${name}; person; 2024-03-01\nA Parent; parent; 2024-03-01\nLeicestershire Police; agency; 2024-03-01`);
    await worker.getByRole('button', { name: 'Record the step' }).click();
    await worker.waitForURL((u) => u.search.includes('done=step'), { timeout: 10000 });
    assert((await worker.textContent('main')).includes('Completed without breach on 2024-09-01'), 'the contract is completed without breach');
    const after = await completed();
    assert(after === before + 1, `the quarterly report counts it: ${before} then ${after}`);
    await workerCtx.close();
    await ctx.close();
  });

  await browser.close();
} catch (e) {
  failures++;
  console.log(`FAIL setup\n     ${e?.stderr ?? ''}${e?.stack ?? e}`);
} finally {
  server?.kill();
  rmSync(work, { recursive: true, force: true });
}

if (failures) {
  console.log(`${failures} browser check(s) failed`);
  process.exit(1);
}
console.log('all browser checks passed');
