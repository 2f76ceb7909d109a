/** Typed access to asl-validator, which ships no type declarations. */
export interface AslValidationResult {
  readonly isValid: boolean;
  readonly errors: readonly unknown[];
  errorsText(separator?: string): string;
}

type AslValidator = (
  definition: unknown,
  options?: { checkPaths?: boolean; checkArn?: boolean },
) => AslValidationResult;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const validator = require("asl-validator") as AslValidator;

export function validateAsl(definition: unknown): AslValidationResult {
  // The validator mutates its input (adds QueryLanguage); give it a copy.
  return validator(JSON.parse(JSON.stringify(definition)), { checkPaths: true, checkArn: true });
}
