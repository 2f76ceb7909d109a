/**
 * `npm run test:integration -- [--stack <name>]`
 *
 * Runs the end-to-end API suite (tests/e2e/api) against a target described by stack outputs:
 * without --stack, the local stack (started in process, as `npm test` does); with --stack, a
 * deployed stack read through `pulumi stack output --json`, which needs the Pulumi CLI, AWS
 * credentials for the stack's account and, because they are not outputs:
 *   PIPELINE_TEST_API_KEY         the value of the stack's status API key
 *   PIPELINE_TEST_UPLOAD_API_KEY  the value of the stack's upload API key
 *   PIPELINE_TEST_WEBHOOK_SECRET  a Standard Webhooks signing secret of one of its providers
 *   PIPELINE_TEST_PROVIDER        that provider's name (default "acme")
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { parseArgs } from "node:util";

const usage = "usage: npm run test:integration -- [--stack <name>]";

function main(): void {
  let stack: string | undefined;
  try {
    stack = parseArgs({ args: process.argv.slice(2), options: { stack: { type: "string" } } }).values.stack;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${usage}\n`);
    process.exit(2);
  }
  if (stack !== undefined && stack !== "local") {
    const missing = [
      "PIPELINE_TEST_API_KEY",
      "PIPELINE_TEST_UPLOAD_API_KEY",
      "PIPELINE_TEST_WEBHOOK_SECRET",
    ].filter((name) => !process.env[name]);
    if (missing.length > 0) {
      process.stderr.write(
        `testing the deployed stack "${stack}" needs ${missing.join(" and ")} set\n${usage}\n`,
      );
      process.exit(2);
    }
  }
  const projectDirectory = resolve(__dirname, "..");
  const mocha = resolve(projectDirectory, "node_modules/.bin/mocha");
  const child = spawn(mocha, ["tests/e2e/api/**/*.test.ts"], {
    cwd: projectDirectory,
    stdio: "inherit",
    env: { ...process.env, ...(stack && stack !== "local" ? { PIPELINE_TEST_STACK: stack } : {}) },
  });
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

main();
