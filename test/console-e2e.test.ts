/**
 * The web console in a real headless Chromium (Debian's, driven by playwright-core; `.ci/run`
 * installs it): a new operator types the API key, starts a supervisor run on the offline demo
 * model, sees the agents appear live, approves the operator's webhook call with edited arguments
 * (the edited call is what reaches the receiver), sees the run complete with its answer, opens
 * its trace, opens a checkpoint of the thread and forks from it. Every page is photographed into
 * test-output/console/ (not committed), and no request leaves the server's origin.
 */
import { mkdir, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { startTestServer, type TestServer } from "./support/server.js";

const CHROMIUM = "/usr/bin/chromium";
const SHOTS = new URL("../test-output/console/", import.meta.url).pathname;
const KEY = "console-e2e-key-0123456789";

describe("the console in Chromium", () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let receiver: Server;
  let receiverUrl: string;
  const received: unknown[] = [];
  const foreign: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: install Debian's package (apt-get install chromium); .ci/run does.`);
    receiver = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        received.push(JSON.parse(body || "null"));
        response.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/ops`;
    server = await startTestServer({ apiKeys: `${KEY}:ops`, env: { TOOL_NET_ALLOWLIST: "127.0.0.1" } });
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const origin = new URL(server.url).origin;
    page.on("request", (request) => {
      if (!request.url().startsWith(origin) && !request.url().startsWith("data:")) foreign.push(request.url());
    });
    await rm(SHOTS, { recursive: true, force: true });
    await mkdir(SHOTS, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    // Nothing to close when the set-up stopped early (no Chromium): waiting on it hung the hook 60 s.
    if (receiver) await new Promise((resolve) => receiver.close(resolve));
  });

  const shot = (name: string) => page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true });

  it("runs a goal, approves an edited webhook call, reads the trace and forks from a checkpoint", async () => {
    await page.goto(`${server.url}/console`);
    // A wrong key is refused and asked again; the right one opens the console.
    await page.getByLabel("API key").fill("not-the-key-0123456789");
    await page.getByRole("button", { name: "Open the console" }).click();
    await page.getByText("That key was refused").waitFor({ timeout: 10_000 });
    await page.getByLabel("API key").fill(KEY);
    await page.getByRole("button", { name: "Open the console" }).click();

    // Run: the supervisor on the demo model; the goal asks for a webhook, so the operator is called.
    await page.getByLabel("Graph / assistant").selectOption({ label: "supervisor" });
    await page.getByLabel("Goal").fill("Find what we know about the nightly report and notify the ops webhook that it is ready");
    await page.getByLabel("Max tool calls").fill("20");
    await page.getByRole("button", { name: "Start run" }).click();
    const agents = page.getByTestId("agents");
    await expect.poll(() => agents.textContent(), { timeout: 20_000 }).toContain("researcher");
    await expect.poll(() => page.getByTestId("run-status").textContent(), { timeout: 20_000 }).toBe("interrupted");
    expect(await agents.textContent()).toContain("operator");
    expect(Number(await page.getByTestId("tokens").textContent())).toBeGreaterThan(0);
    await shot("1-run-waiting");

    // Graph: the drawing, with the node the run waits at highlighted.
    await page.getByRole("link", { name: "See it on the graph" }).click();
    await page.locator('svg g.node.active[data-node="operator"]').waitFor({ timeout: 10_000 });
    expect(await page.locator("svg g.node").count()).toBeGreaterThan(4);
    expect(await page.getByTestId("graph-active").textContent()).toBe("operator");
    await shot("2-graph-live");
    const flat = await page.locator("svg g.node").count();
    await page.getByLabel("Show subgraphs (xray)").check();
    await expect.poll(() => page.locator("svg g.node").count(), { timeout: 10_000 }).toBeGreaterThan(flat);

    // Approvals (the menu counts the waiting run): the exact call, edited in the form and approved.
    await expect.poll(() => page.getByRole("navigation").getByRole("link", { name: /Approvals/ }).textContent(), { timeout: 10_000 }).toContain("1");
    await page.goBack();
    await page.getByRole("link", { name: "Answer it on the Approvals page" }).click();
    const card = page.getByTestId("approval");
    await card.waitFor();
    expect(await card.getByTestId("approval-args").textContent()).toContain("hooks.example.com");
    await shot("3-approvals");
    await card.getByRole("button", { name: "Edit the arguments" }).click();
    await card.getByLabel(/^url/).fill(receiverUrl);
    await card.getByLabel(/^payload/).fill('{ "text": "nightly report ready (edited in the console)" }');
    await shot("4-approval-edit");
    await card.getByRole("button", { name: "Approve with these arguments" }).click();

    // Back on the Run page: the resumed run completes with its answer.
    await expect.poll(() => page.getByTestId("terminal-state").textContent().catch(() => null), { timeout: 20_000 }).toBe("completed");
    expect(await page.getByTestId("answer").textContent()).toContain("[offline demo]");
    expect(received).toEqual([{ text: "nightly report ready (edited in the console)" }]);
    await shot("5-run-completed");

    // Trace: the resumed run's steps include the approved (edited) call.
    await page.getByRole("link", { name: "Open the trace of this run" }).click();
    const steps = page.getByTestId("trace-steps");
    await expect.poll(() => steps.textContent(), { timeout: 10_000 }).toContain("send_webhook");
    expect(await page.getByTestId("trace").textContent()).toContain("Cost per agent");
    await shot("6-trace");

    // Threads: the timeline, a checkpoint's state, and a fork from it that runs again.
    await page.goto(`${server.url}/console#/threads`);
    await page.locator("table.list a").first().click();
    const timeline = page.getByTestId("timeline");
    await timeline.waitFor();
    // The checkpoint after the researcher reported (the supervisor decides next): an edit there is the researcher's write.
    const resumable = timeline.locator("button[data-checkpoint]", { hasText: "step 2 loop → supervisor" }).first();
    await resumable.click();
    const editor = page.getByLabel(/^State/);
    const state = await editor.inputValue();
    expect(state).toContain('"goal"');
    // Edit one channel: only it is written, as an update on a fork of this checkpoint.
    expect(state).toContain('"note": null');
    await editor.fill(state.replace('"note": null', '"note": "Forked from the console"'));
    await shot("7-thread-checkpoint");
    const runsBefore = (await server.client(KEY).runs.list((await server.client(KEY).threads.search({ limit: 1 }))[0]!.thread_id)).length;
    await page.getByRole("button", { name: "Fork from here and run" }).click();
    // The Run page follows the fork: a third run of the thread (first run, resume, fork) starts there.
    const started = page.getByTestId("feed").locator("li.feed-run", { hasText: "started" });
    await expect.poll(() => started.count(), { timeout: 20_000 }).toBe(3);
    const thread = (await server.client(KEY).threads.search({ limit: 1 }))[0]!;
    expect((await server.client(KEY).runs.list(thread.thread_id)).length).toBe(runsBefore + 1);
    const history = await server.client(KEY).threads.getHistory(thread.thread_id, { limit: 100 });
    const edited = history.filter((checkpoint) => checkpoint.metadata?.source === "update");
    expect(edited).toHaveLength(1);
    expect((edited[0]!.values as { note?: string }).note).toBe("Forked from the console");
    await shot("8-forked");

    await page.goto(`${server.url}/console#/memory`);
    await page.getByRole("heading", { name: "Namespaces" }).waitFor();
    await page.getByRole("button", { name: "episodes" }).click();
    await page.locator("details.item").first().waitFor({ timeout: 10_000 });
    await shot("9-memory");

    // At a phone's width the menu wraps and the approvals page still reads.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/console#/approvals`);
    await page.getByRole("heading", { name: "Approvals" }).waitFor();
    await shot("10-phone-approvals");

    expect(foreign).toEqual([]);
  }, 90_000);
});
