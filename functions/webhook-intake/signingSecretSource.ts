/**
 * Where the signing providers come from. In AWS: one Secrets Manager secret, read once per
 * container and kept (a rotation publishes a new secret version, which the deployment passes to
 * the function's configuration, so every container starts afresh). A failed read is not cached:
 * the next delivery tries again.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import {
  InvalidSigningSecretsError,
  parseSigningSecretDocument,
  signingProvidersSchema,
  type SigningProvider,
} from "./signingProviders";

export type SigningProviderSource = () => Promise<readonly SigningProvider[]>;

export class SigningSecretsUnavailableError extends Error {
  constructor(problem: string, options?: { cause?: unknown }) {
    super(`Webhook signing secrets could not be read: ${problem}`, options);
    this.name = "SigningSecretsUnavailableError";
  }
}

export function secretsManagerSigningProviders(
  client: SecretsManagerClient,
  secretId: string,
): SigningProviderSource {
  let cached: Promise<readonly SigningProvider[]> | undefined;
  const load = async (): Promise<readonly SigningProvider[]> => {
    let text: string | undefined;
    try {
      text = (await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
    } catch (error) {
      throw new SigningSecretsUnavailableError("GetSecretValue failed", { cause: error });
    }
    if (text === undefined) throw new SigningSecretsUnavailableError("the secret has no string value");
    return parseSigningSecretDocument(text);
  };
  return () => {
    cached ??= load().catch((error: unknown) => {
      cached = undefined;
      throw error;
    });
    return cached;
  };
}

/** A fixed provider list (the local runtime's printed secret, tests), checked like the secret. */
export function staticSigningProviders(providers: readonly SigningProvider[]): SigningProviderSource {
  const parsed = signingProvidersSchema.safeParse(providers);
  if (!parsed.success) {
    throw new InvalidSigningSecretsError(
      parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`).join("; "),
    );
  }
  const checked = parsed.data;
  return () => Promise.resolve(checked);
}
