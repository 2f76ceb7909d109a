/**
 * `npm start` as a user runs it: a child process that prints where it listens and how to use it,
 * writes its stack outputs, serves requests (and its local-only admin routes), stops cleanly on Ctrl-C (SIGINT) and refuses a port
 * already in use with a message saying what to do.
 */
import { expect } from "chai";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { AddressInfo } from "node:net";
import { defaultLocalApiKey, defaultLocalWebhookSecret } from "../../local/localCredentials";

const projectDirectory = resolve(__dirname, "../..");
const tsx = resolve(projectDirectory, "node_modules/.bin/tsx");

interface Started {
  readonly child: ChildProcessWithoutNullStreams;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

function startCommand(args: string[], env: Record<string, string> = {}): Started {
  const child = spawn(tsx, ["local/main.ts", ...args], {
    cwd: projectDirectory,
    env: { ...process.env, ...env },
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  // "close", not "exit": the process may exit before its last output has been read.
  const exited = new Promise<number | null>((resolveExit) => child.on("close", (code) => resolveExit(code)));
  return { child, output: () => output, exited };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
  }
}

describe("npm start (local/main.ts)", function () {
  this.timeout(60_000);
  let scratch: string;

  before(() => {
    scratch = mkdtempSync(join(tmpdir(), "npm-start-"));
  });

  after(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  it("prints the URL, secret, key and curl examples, writes its outputs, serves, and stops on SIGINT", async () => {
    const outputsPath = join(scratch, "outputs.json");
    const started = startCommand(["--port", "0", "--outputs", outputsPath]);
    await waitFor(() => started.output().includes("Stop: Ctrl-C"), "the start banner");

    const output = started.output();
    const url = /running locally at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
    expect(url, output).to.be.a("string");
    expect(output).to.contain(`WEBHOOK_SECRET  ${defaultLocalWebhookSecret}`);
    expect(output).to.contain(`API_KEY         ${defaultLocalApiKey}`);
    expect(output).to.contain(`curl -s -H 'x-api-key: ${defaultLocalApiKey}' ${url}/transactions/`);
    expect(output).to.contain("npm run sign -- examples/webhook-approved.json");

    const outputs = JSON.parse(readFileSync(outputsPath, "utf8")) as Record<string, unknown>;
    expect(outputs).to.include({ apiUrl: url, webhookUrl: `${url}/webhook` });

    const health = await fetch(`${url}/admin/health`);
    expect(await health.json()).to.deep.equal({ status: "ready" });
    // The local-only route that runs the archival job once (in AWS, its schedule does).
    const archive = await fetch(`${url}/admin/archive`, {
      method: "POST",
      headers: { "x-api-key": defaultLocalApiKey },
    });
    expect(archive.status).to.equal(200);
    // Nothing here is older than the 24-hour retention, so nothing moves, but the run completes.
    expect(await archive.json()).to.include({ complete: true, archived: 0 });

    started.child.kill("SIGINT");
    expect(await started.exited).to.equal(0);
    expect(started.output()).to.contain("Stopped");
    expect(existsSync(outputsPath), "outputs removed on a clean stop").to.equal(false);
  });

  it("refuses a port in use with a message naming the port and what to do, exit code 1", async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolveListen) => blocker.listen(0, "127.0.0.1", resolveListen));
    const { port } = blocker.address() as AddressInfo;
    try {
      const started = startCommand(["--port", String(port), "--outputs", join(scratch, "unused.json")]);
      expect(await started.exited).to.equal(1);
      expect(started.output()).to.contain(`port ${port} on 127.0.0.1 is already in use`);
      expect(started.output()).to.contain("PORT=<port> npm start");
    } finally {
      blocker.close();
    }
  });

  it("names the setting when WEBHOOK_SECRET is not a Standard Webhooks secret", async () => {
    const started = startCommand(["--port", "0"], { WEBHOOK_SECRET: "hunter2" });
    expect(await started.exited).to.equal(1);
    expect(started.output()).to.contain("WEBHOOK_SECRET must be");
    expect(started.output()).not.to.contain("hunter2");
  });

  it("names the option when --port is not a port number", async () => {
    const started = startCommand(["--port", "http"]);
    expect(await started.exited).to.equal(1);
    expect(started.output()).to.contain('--port must be a whole number from 0 to 65535, got "http"');
  });
});
