/**
 * A stack file's config as the Pulumi engine hands it to the program (objects as JSON text), with
 * stand-ins for the signing secrets a real stack holds encrypted (`pulumi config set --secret`);
 * the stack files in the repository carry none.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

export const project = "transaction-pipeline";

export const testSigningSecrets = {
  acme: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
  stripe: ["whsec_test_stripe_signing_secret"],
};

export function stackFileConfig(stack: string): Record<string, string> {
  const file = path.resolve(__dirname, "../..", `Pulumi.${stack}.yaml`);
  const { config } = parse(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> };
  return Object.fromEntries(
    Object.entries({
      ...config,
      [`${project}:webhookSigningSecrets`]: testSigningSecrets,
    }).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
  );
}
