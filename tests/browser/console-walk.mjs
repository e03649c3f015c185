// The console in a real browser: playwright-core drives Debian's chromium headless against the real
// `paxwatch demo` (its own server, carriers, traffic with planted listed people and one user per role with
// printed random passwords), on port 0 in a temp dir. Walks the flows of issue 5's "Done when" and saves
// screenshots of the main pages into docs/screenshots/.
//
// Usage: node console-walk.mjs [path/to/paxwatch]   (default: ../../target/release/paxwatch)

import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..", "..");
const binary = resolve(process.argv[2] ?? join(root, "target", "release", "paxwatch"));
const shots = join(root, "docs", "screenshots");
const chromiumPath = process.env.PAXWATCH_CHROMIUM ?? "/usr/bin/chromium";

let failures = 0;
function check(condition, what) {
  if (condition) {
    console.log(`ok   ${what}`);
  } else {
    failures += 1;
    console.log(`FAIL ${what}`);
  }
}

/** Starts the demo and resolves with its base URL and sign-ins once all traffic is processed. */
function startDemo(dir) {
  return new Promise((resolveStart, reject) => {
    const child = spawn(binary, ["demo", "--listen", "127.0.0.1:0", "--speed", "8", "--dir", join(dir, "demo")], {
      env: { ...process.env, PAXWATCH_LOG: "warn" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const demo = { child, base: null, users: {}, carrierCode: null };
    let buffer = "";
    const timer = setTimeout(() => reject(new Error("the demo did not finish its traffic in 180 s")), 180_000);
    child.on("exit", (code) => reject(new Error(`the demo exited early (${code})`)));
    child.stdout.on("data", (chunk) => {
      buffer += chunk.toString();
      let newline;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        const server = line.match(/server on (https:\/\/localhost:\d+)/);
        if (server) demo.base = server[1];
        const signIn = line.match(/^\s+(demo-[a-z-]+) \/ ([0-9a-f]+)/);
        if (signIn) demo.users[signIn[1]] = signIn[2];
        const carrier = line.match(/carrier portal of ([A-Z0-9]+)/);
        if (carrier) demo.carrierCode = carrier[1];
        if (line.startsWith("paxwatch demo:") && line.includes("messages acknowledged")) {
          clearTimeout(timer);
          resolveStart(demo);
        }
      }
    });
  });
}

async function signIn(page, base, name, password) {
  await page.goto(`${base}/login`);
  await page.fill("#name", name);
  await page.fill("#password", password);
  await Promise.all([page.waitForLoadState("load"), page.click("button[type=submit]")]);
}

async function signOut(page) {
  await Promise.all([page.waitForURL(/\/login$/), page.click("header .who button")]);
}

const dir = mkdtempSync(join(tmpdir(), "paxwatch-browser-"));
mkdirSync(shots, { recursive: true });
let demo;
let context;
try {
  demo = await startDemo(dir);
  const { base, users } = demo;
  const carrierUser = Object.keys(users).find((name) => name.startsWith("demo-carrier-"));
  context = await chromium.launchPersistentContext(join(dir, "chromium-profile"), {
    executablePath: chromiumPath,
    headless: true,
    ignoreHTTPSErrors: true,
    viewport: { width: 1360, height: 860 },
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
      "--disable-sync", "--disable-component-update",
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());

  // Not signed in: any console page leads to the sign-in form.
  await page.goto(`${base}/console/alerts`);
  check(page.url().endsWith("/login"), "a console page without a session leads to sign-in");
  await page.screenshot({ path: join(shots, "login.png") });

  // Wrong password and unknown user get the same answer.
  await signIn(page, base, "demo-officer", "not the password at all");
  const wrongPassword = await page.textContent(".problem");
  await signIn(page, base, "nobody-of-that-name", "not the password at all");
  const unknownUser = await page.textContent(".problem");
  check(wrongPassword === unknownUser && wrongPassword.length > 0, "unknown user and wrong password read the same");

  // Officer: the queue holds the planted alert DEMO-0001; open it, dismiss it with a reason.
  await signIn(page, base, "demo-officer", users["demo-officer"]);
  check(page.url().endsWith("/console/alerts"), "the officer lands on the alert queue");
  const planted = page.locator("#queue-rows tr", { hasText: "DEMO-0001" });
  check((await planted.count()) === 1, "the planted alert DEMO-0001 is in the queue");
  await page.screenshot({ path: join(shots, "officer-alert-queue.png"), fullPage: true });
  await Promise.all([page.waitForLoadState("load"), planted.locator("a").first().click()]);
  const alertUrl = page.url();
  check(/\/console\/alerts\/\d+$/.test(alertUrl), "the alert detail opens");
  check((await page.locator(".side-by-side section").count()) === 2, "traveller and list entry side by side");
  check((await page.textContent("main")).includes("TRENSCHEL"), "the detail shows the traveller's data");
  await page.screenshot({ path: join(shots, "officer-alert-detail.png"), fullPage: true });
  const reason = "Browser test: namesake, birth date differs from the passport seen at check-in";
  await page.fill("#reason", reason);
  await Promise.all([page.waitForLoadState("load"), page.click("button[value=dismiss]")]);
  check(page.url() === alertUrl, "after deciding, the alert detail is shown again");
  const decisions = await page.textContent("#decisions");
  check(decisions.includes(reason) && decisions.includes("dismiss") && decisions.includes("demo-officer"),
    "the decision is shown with its reason, outcome and officer");
  check((await page.textContent("h1")).includes("dismissed"), "the alert is dismissed");
  await page.screenshot({ path: join(shots, "officer-alert-decided.png"), fullPage: true });
  await Promise.all([page.waitForLoadState("load"), page.click("details.version[open] summary a")]);
  check((await page.textContent("h1")).includes("Raw message") && (await page.textContent("pre.edifact")).includes("UNH+"),
    "the version links to the raw message it came from");
  await page.screenshot({ path: join(shots, "officer-raw-message.png") });
  await page.goto(`${base}/console/alerts`);
  check((await page.locator("#queue-rows tr", { hasText: "DEMO-0001" }).count()) === 0,
    "the dismissed alert has left the open queue");
  await page.goto(`${base}/console/alerts?status=dismissed`);
  check((await page.locator("#queue-rows tr", { hasText: "DEMO-0001" }).count()) === 1,
    "it is listed among dismissed alerts");
  await page.goto(`${base}/console/flights`);
  check((await page.locator("table.data tbody tr").count()) > 0, "the flights board lists flights");
  await page.screenshot({ path: join(shots, "officer-flights.png"), fullPage: true });

  // CSRF: the same decision posted with the officer's cookie but without, or with a wrong, token is refused.
  const another = await page.evaluate(async () => {
    const body = new URLSearchParams({ outcome: "dismiss", reason: "forged" });
    const without = await fetch("/console/alerts/2/decision", { method: "POST", body });
    const wrong = await fetch("/console/alerts/2/decision", {
      method: "POST",
      body: new URLSearchParams({ outcome: "dismiss", reason: "forged", csrf_token: "0".repeat(64) }),
    });
    return [without.status, wrong.status];
  });
  check(another[0] === 403 && another[1] === 403, `a POST without a valid CSRF token is refused (${another})`);
  await page.goto(`${base}/console/alerts/2`);
  check((await page.textContent("h1")).includes("open"), "the forged decision changed nothing");

  // ---- officer workflow (officer branch): a note, taking an alert, an escalation, the queue by assignee ----
  await page.goto(`${base}/console/alerts`);
  const queued = await page.$$eval("#queue-rows tbody tr td:first-child a", (links) =>
    links.map((link) => link.getAttribute("href")));
  check(queued.length >= 2, `the open queue holds at least two alerts (${queued.length})`);
  const [notedHref, escalatedHref] = queued;
  await page.goto(`${base}${notedHref}`);
  const note = "Browser test: asked the carrier for the passport scan";
  await page.fill("#note-text", note);
  await Promise.all([page.waitForLoadState("load"), page.click("form.note button[type=submit]")]);
  const notes = await page.textContent("#notes");
  check(notes.includes(note) && notes.includes("demo-officer"), "the note is listed with its author");
  await Promise.all([page.waitForLoadState("load"), page.click("#take-alert")]);
  check((await page.textContent("#assignee")) === "demo-officer", "the officer took the alert");
  await page.screenshot({ path: join(shots, "officer-alert-notes.png"), fullPage: true });
  await page.goto(`${base}${escalatedHref}`);
  await page.fill("#reason", "Browser test: partial document match, a supervisor to decide");
  await Promise.all([page.waitForLoadState("load"), page.click("button[value=escalate]")]);
  check((await page.textContent("h1")).includes("escalated"), "another alert is escalated");
  check((await page.textContent("#decisions")).includes("escalate"), "the escalation is in the decision history");
  await page.goto(`${base}/console/alerts`);
  check((await page.locator(`#queue-rows tr.escalated a[href="${escalatedHref}"]`).count()) === 1,
    "the escalated alert stays in the open queue, marked");
  await page.selectOption("form.filters select[name=assignee]", "mine");
  await Promise.all([page.waitForLoadState("load"), page.click("form.filters button[type=submit]")]);
  const mine = await page.$$eval("#queue-rows tbody tr td:first-child a", (links) =>
    links.map((link) => link.getAttribute("href")));
  check(page.url().includes("assignee=mine") && mine.length === 1 && mine[0] === notedHref,
    `the queue filtered by assignee "mine" holds only the taken alert (${mine})`);
  // ---- end officer workflow ----

  // The officer has no analyst pages.
  const forbidden = await page.goto(`${base}/console/history`);
  check(forbidden.status() === 403, "an officer gets 403 on the analyst's search");
  await page.screenshot({ path: join(shots, "forbidden.png") });
  await signOut(page);
  const afterSignOut = await page.goto(`${base}/console/alerts`);
  check(page.url().endsWith("/login") && afterSignOut.ok(), "signed out, the queue leads to sign-in again");

  // Analyst: finds the traveller by a misspelled name.
  await signIn(page, base, "demo-analyst", users["demo-analyst"]);
  check(page.url().endsWith("/console/history"), "the analyst lands on the history search");
  await page.fill("input[name=name]", "Trenshel Volkmar");
  await Promise.all([page.waitForLoadState("load"), page.click("form.search button[type=submit]")]);
  check((await page.locator("#results tbody tr", { hasText: "TRENSCHEL" }).count()) >= 1,
    "a misspelled name finds TRENSCHEL");
  await page.screenshot({ path: join(shots, "analyst-history-search.png"), fullPage: true });
  // The traveller's timeline: every trip of the same person (issue 5 item 3).
  await Promise.all([page.waitForLoadState("load"),
    page.locator("#results tbody tr", { hasText: "TRENSCHEL" }).first().locator("a", { hasText: "Timeline" }).click()]);
  check((await page.locator("#timeline tbody tr", { hasText: "TRENSCHEL" }).count()) >= 1,
    "the analyst opens the traveller's timeline");
  await page.screenshot({ path: join(shots, "analyst-timeline.png"), fullPage: true });
  const analystQueue = await page.goto(`${base}/console/alerts`);
  check(analystQueue.status() === 403, "an analyst gets 403 on the alert queue");
  const fragment = await page.goto(`${base}/console/alerts/fragment`);
  check(fragment.status() === 403, "and on its live fragment");
  await page.goto(`${base}/console/history`);
  await signOut(page);

  // Carrier staff: only their own airline's transmissions.
  await signIn(page, base, carrierUser, users[carrierUser]);
  check(page.url().endsWith("/console/transmissions"), "carrier staff land on their transmissions");
  const senders = await page.locator("#transmissions tbody tr td:nth-child(2)").allTextContents();
  check(senders.length > 0 && senders.every((s) => s === demo.carrierCode),
    `only ${demo.carrierCode}'s transmissions are listed (${senders.length})`);
  await page.screenshot({ path: join(shots, "carrier-transmissions.png"), fullPage: true });
  const carrierAlert = await page.goto(`${base}/console/alerts/1`);
  check(carrierAlert.status() === 403, "carrier staff get 403 on an alert");
  await page.goto(`${base}/console/transmissions`);
  await signOut(page);

  // A user whose role has no console pages: 403 everywhere.
  await signIn(page, base, "demo-admin", users["demo-admin"]);
  const adminQueue = await page.goto(`${base}/console/alerts`);
  check(adminQueue.status() === 403, "an admin gets 403 on the alert queue");
  const adminPortal = await page.goto(`${base}/console/transmissions`);
  check(adminPortal.status() === 403, "and on the carrier portal");

  // ---- dashboard and carrier data quality (issue 5 items 4 and 5) ----
  const dashboard = await page.goto(`${base}/console/dashboard`);
  check(dashboard.status() === 200, "an admin opens the dashboard");
  check((await page.locator("#chart-messages svg rect").count()) > 0, "messages per hour per carrier are drawn");
  check((await page.locator("#chart-latency svg circle").count()) > 0, "the screening latency is drawn");
  check(!(await page.textContent("main")).includes("TRENSCHEL"), "the dashboard holds no traveller data");
  await page.screenshot({ path: join(shots, "dashboard.png"), fullPage: true });
  const adminUsers = await page.goto(`${base}/console/admin/users`);
  check(adminUsers.status() === 200 && (await page.locator("#users tbody tr").count()) > 0, "an admin lists the people");
  await page.screenshot({ path: join(shots, "admin-users.png"), fullPage: true });
  // The admin uploads a new watchlist through the page's file form (issue 5 item 6).
  await page.goto(`${base}/console/admin/watchlists`);
  await page.selectOption("#upload-watchlist select[name=format]", "csv");
  await page.fill("#upload-watchlist input[name=list]", "BROWSER-LIST");
  await page.setInputFiles("#upload-watchlist input[name=file]", {
    name: "browser-list.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(
      "id,list,names,birth_dates,nationalities,gender,documents\n"
        + "B-1,BROWSER-LIST,ODALRIC PENNYWHISTLE,1961-06-06,NZL,M,\n"
        + "B-2,BROWSER-LIST,,1970-01-01,FRA,F,\n",
    ),
  });
  await Promise.all([page.waitForLoadState("load"), page.click("#upload-watchlist button[type=submit]")]);
  const outcome = (await page.textContent("#import-outcome")) ?? "";
  check(outcome.includes("the first of BROWSER-LIST: all 1 entries are new"), "an admin uploads a watchlist version");
  check(((await page.textContent("#import-counts")) ?? "").includes("1 rejected rows"),
    "the upload reports the rejected row");
  // The demo registers only its own list as a comparison source (LDH-8): this one is kept, not screened.
  check(((await page.textContent("#screening")) ?? "").includes("Stored, not screened against"),
    "an unregistered list is stored but not screened against");
  await page.screenshot({ path: join(shots, "admin-watchlist-import.png"), fullPage: true });
  await page.goto(`${base}/console/admin/watchlists`);
  check((await page.locator("#versions tbody tr", { hasText: "BROWSER-LIST" }).count()) === 1,
    "the uploaded version is listed");
  // The admin records a review of the match thresholds (same values: the demo's alerts stay as they are).
  await page.goto(`${base}/console/admin/policy`);
  const alertAt = await page.inputValue("#set-thresholds input[name=alert]");
  await page.fill("#set-thresholds input[name=reason]", "quarterly review: unchanged");
  await Promise.all([page.waitForLoadState("load"), page.click("#set-thresholds button[type=submit]")]);
  check((await page.locator("#threshold-history tbody tr", { hasText: "quarterly review: unchanged" }).count()) === 1
    && ((await page.textContent("#alert-threshold")) ?? "") === alertAt,
    "an admin sets the match thresholds with a reason and sees the setting in the history");
  await page.screenshot({ path: join(shots, "admin-thresholds.png"), fullPage: true });
  await signOut(page);
  await signIn(page, base, carrierUser, users[carrierUser]);
  const quality = await page.goto(`${base}/console/quality`);
  check(quality.status() === 200, "carrier staff open their data quality");
  const qualityFlights = await page.locator("#quality tbody tr td:first-child").allTextContents();
  check(qualityFlights.length > 0 && qualityFlights.every((f) => f.startsWith(demo.carrierCode)),
    `only ${demo.carrierCode}'s flights are in the data quality (${qualityFlights.length})`);
  check((await page.locator("#chart-timeliness svg circle").count()) > 0, "the timeliness chart is drawn");
  await page.screenshot({ path: join(shots, "carrier-data-quality.png"), fullPage: true });
  // ---- end of dashboard and carrier data quality ----

  // ---- DPO step (issue 5 "its decision in the audit"; issue 6 DPO pages) ----
  // The DPO searches the audit log for the alert the officer dismissed and sees the decision record.
  {
    const alertId = alertUrl.match(/\/console\/alerts\/(\d+)$/)[1];
    await signOut(page);
    await signIn(page, base, "demo-dpo", users["demo-dpo"]);
    check(page.url().endsWith("/console/dpo/audit"), "the DPO lands on the audit log");
    await page.fill("input[name=object_kind]", "alert");
    await page.fill("input[name=object_id]", alertId);
    await page.selectOption("select[name=action]", "alter");
    await Promise.all([page.waitForLoadState("load"), page.click("#audit-search button[type=submit]")]);
    const row = page.locator("#audit-records tbody tr", { hasText: "decision" }).first();
    const text = await row.textContent();
    check(text.includes("alter") && text.includes("demo-officer") && text.includes("pre_arrival_assessment")
      && text.includes(`alert:${alertId}`), "the DPO sees the officer's decision in the audit (action, user, purpose)");
    await page.screenshot({ path: join(shots, "dpo-audit.png"), fullPage: true });
    const dpoQueue = await page.goto(`${base}/console/alerts`);
    check(dpoQueue.status() === 403, "the DPO gets 403 on the alert queue");
    await signOut(page);
  }
  // ---- end DPO step ----
} catch (error) {
  failures += 1;
  console.log(`FAIL ${error.stack ?? error}`);
} finally {
  if (context) await context.close();
  if (demo) demo.child.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
}
if (failures > 0) {
  console.log(`${failures} browser check(s) failed`);
  process.exit(1);
}
console.log("browser walk: all checks passed");
process.exit(0);
