/**
 * Environment variables, read once at cold start by each handler's configuration module. A
 * missing or malformed variable fails the cold start with an error naming it, instead of a
 * confusing failure on the first transaction.
 */
import { InvalidEnvironmentError, MissingEnvironmentError } from "./errors";

export type EnvironmentSource = Readonly<Record<string, string | undefined>>;

/** The value, or undefined when unset or empty (an empty value is what a blank template leaves). */
export function optionalEnvironment(name: string, env: EnvironmentSource = process.env): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === "" ? undefined : value;
}

export function requireEnvironment(name: string, env: EnvironmentSource = process.env): string {
  const value = optionalEnvironment(name, env);
  if (value === undefined) throw new MissingEnvironmentError(name);
  return value;
}

/** A positive integer (digits only, read exactly as BigInt), or `defaultValue` when unset. */
export function optionalPositiveIntegerEnvironment(
  name: string,
  defaultValue: bigint,
  env: EnvironmentSource = process.env,
): bigint {
  const value = optionalEnvironment(name, env);
  if (value === undefined) return defaultValue;
  if (!/^\d+$/.test(value.trim()) || BigInt(value.trim()) === 0n) {
    throw new InvalidEnvironmentError(name, `expected a positive integer, got ${JSON.stringify(value)}`);
  }
  return BigInt(value.trim());
}

/** Parsed JSON, or undefined when unset; malformed JSON fails naming the variable. */
export function optionalJsonEnvironment(name: string, env: EnvironmentSource = process.env): unknown {
  const value = optionalEnvironment(name, env);
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch (error) {
    throw new InvalidEnvironmentError(name, "not valid JSON", { cause: error });
  }
}

/**
 * A client's endpoint (`AWS_ENDPOINT_URL_<SERVICE>`), read when the client is built at cold start.
 * The SDK would read the same variable itself, but only at the client's first request, so a
 * container whose environment is set for its cold start alone (the local runtime, fault tests)
 * would reach whatever the process's environment says by then. Unset: the regional endpoint.
 */
export function endpointFromEnvironment(
  name: string,
  env: EnvironmentSource = process.env,
): { endpoint?: string } {
  const endpoint = optionalEnvironment(name, env);
  return endpoint === undefined ? {} : { endpoint };
}
