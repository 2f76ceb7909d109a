/**
 * `npm run sign -- <file> [--secret whsec_...] [--id msg_...] [--url <webhook url>]`
 *
 * Signs a webhook body the way a Standard Webhooks sender does and prints the three headers and a
 * ready curl command. The body sent must be the file's exact bytes (curl --data-binary @file), as
 * the signature covers them. The secret defaults to WEBHOOK_SECRET, then the local stack's default.
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { standardWebhooksHeaders } from "../local/webhookSigning";
import { readLocalCredentials } from "../local/localCredentials";

const usage = "usage: npm run sign -- <file> [--secret whsec_...] [--id <webhook-id>] [--url <webhook url>]";

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: {
      secret: { type: "string" },
      id: { type: "string" },
      url: { type: "string" },
    },
  });
  if (positionals.length !== 1) throw new Error(`expected exactly one file to sign\n${usage}`);
  const [file] = positionals;
  const body = await readFile(file).catch((error: NodeJS.ErrnoException) => {
    throw new Error(`cannot read ${file}: ${error.code ?? error.message}`);
  });
  const secret =
    values.secret ?? readLocalCredentials({ WEBHOOK_SECRET: process.env.WEBHOOK_SECRET }).webhookSecret;
  const headers = standardWebhooksHeaders({ secret, body, id: values.id });
  const url = values.url ?? `http://127.0.0.1:${process.env.PORT ?? "3000"}/webhook`;

  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  const curl = [
    `curl -sS -X POST ${shellQuote(url)}`,
    `-H 'Content-Type: application/json'`,
    ...lines.map((line) => `-H ${shellQuote(line)}`),
    `--data-binary @${shellQuote(file)}`,
  ].join(" \\\n  ");
  process.stdout.write(`${lines.join("\n")}\n\n${curl}\n`);
  process.stderr.write(`(the signature is valid for 5 minutes from webhook-timestamp)\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`npm run sign: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
