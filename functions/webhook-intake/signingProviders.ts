/**
 * Who may post webhooks and how each one signs: the provider name (which namespaces its
 * transaction ids), its signature scheme, and its active signing secrets. More than one secret
 * may be active at a time, so a secret is rotated by adding the new one, moving the provider
 * over, then removing the old one: no delivery fails in between.
 */
import * as z from "../shared/zod";

export const signatureSchemes = ["standard-webhooks", "stripe"] as const;
export type SignatureScheme = (typeof signatureSchemes)[number];

/** Both schemes use `whsec_` secrets: Standard Webhooks a base64 key of 24-64 bytes, Stripe an opaque string. */
const standardWebhooksSecret = z.string().check(
  z.regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, { error: "must be whsec_ followed by base64" }),
  z.refine(
    (secret) => {
      const bytes = Buffer.from(secret.slice("whsec_".length), "base64").length;
      return bytes >= 24 && bytes <= 64;
    },
    { error: "must decode to 24-64 bytes" },
  ),
);
const stripeSecret = z
  .string()
  .check(z.regex(/^whsec_\S{24,}$/, { error: "must be whsec_ followed by at least 24 characters" }));

export const providerNamePattern = /^[A-Za-z0-9._-]{1,64}$/;

const providerName = z
  .string()
  .check(z.regex(providerNamePattern, { error: "must be 1-64 letters, digits, '.', '_' or '-'" }));

export const signingProviderSchema = z.discriminatedUnion(
  "scheme",
  [
    z.strictObject({
      name: providerName,
      scheme: z.literal("standard-webhooks"),
      secrets: z
        .array(standardWebhooksSecret)
        .check(z.minLength(1, { error: "needs at least one active secret" })),
    }),
    z.strictObject({
      name: providerName,
      scheme: z.literal("stripe"),
      secrets: z.array(stripeSecret).check(z.minLength(1, { error: "needs at least one active secret" })),
    }),
  ],
  { error: `scheme must be one of ${signatureSchemes.join(", ")}` },
);

export type SigningProvider = z.infer<typeof signingProviderSchema>;

export const signingProvidersSchema = z.array(signingProviderSchema).check(
  z.minLength(1, { error: "at least one provider is required" }),
  z.refine((providers) => new Set(providers.map((provider) => provider.name)).size === providers.length, {
    error: "provider names must be unique",
  }),
);

/** The JSON document kept in Secrets Manager. */
export const signingSecretDocumentSchema = z.strictObject({ providers: signingProvidersSchema });
export type SigningSecretDocument = z.infer<typeof signingSecretDocumentSchema>;

export class InvalidSigningSecretsError extends Error {
  constructor(problem: string, options?: { cause?: unknown }) {
    super(`Webhook signing secrets are invalid: ${problem}`, options);
    this.name = "InvalidSigningSecretsError";
  }
}

/** Parses the secret document; the error names the bad path but never echoes a secret. */
export function parseSigningSecretDocument(text: string): readonly SigningProvider[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // The parser's own message quotes the document, secrets included: it is not kept as a cause.
    throw new InvalidSigningSecretsError("not valid JSON");
  }
  const parsed = signingSecretDocumentSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join(".") || "(root)"} ${issue.message}`,
    );
    throw new InvalidSigningSecretsError(problems.join("; "));
  }
  return parsed.data.providers;
}
