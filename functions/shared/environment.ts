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
  const digits = value.trim();
  if (!/^\d+$/.test(digits) || BigInt(digits) === 0n) {
    throw new InvalidEnvironmentError(name, `expected a positive integer, got ${JSON.stringify(value)}`);
  }
  return BigInt(digits);
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

/** How a function reads one variable: the rule that turns its text (or its absence) into the value. */
export type EnvironmentVariable<T> = (env: EnvironmentSource) => T;

/** A function's configuration as the variables it reads: property → variable. */
export type EnvironmentSchema = Readonly<Record<string, EnvironmentVariable<unknown>>>;

/** What a schema reads to; a variable read as undefined leaves its property out. */
export type EnvironmentValues<S extends EnvironmentSchema> = {
  readonly [K in keyof S]: ReturnType<S[K]>;
};

/**
 * A function's configuration loader: it reads every variable of `schema` in order, so the first
 * bad one fails the cold start naming it.
 */
export function environmentReader<S extends EnvironmentSchema>(
  schema: S,
): (env?: EnvironmentSource) => EnvironmentValues<S> {
  return (env = process.env) => {
    const values: Record<string, unknown> = {};
    for (const property in schema) {
      const value = schema[property](env);
      if (value !== undefined) values[property] = value;
    }
    return values as EnvironmentValues<S>;
  };
}

/** A variable that must be set (a resource's name, ARN or URL). */
export const required =
  (name: string): EnvironmentVariable<string> =>
  (env) =>
    requireEnvironment(name, env);

/** A variable that may be unset (a resource not every stack has). */
export const optional =
  (name: string): EnvironmentVariable<string | undefined> =>
  (env) =>
    optionalEnvironment(name, env);

/** A positive integer read exactly (an amount in minor units), `fallback` when unset. */
export const positiveBigInt =
  (name: string, fallback: bigint): EnvironmentVariable<bigint> =>
  (env) =>
    optionalPositiveIntegerEnvironment(name, fallback, env);

/** A count or a duration: a positive integer from `min` (default 1) to `max` (default unbounded). */
export const integer =
  (
    name: string,
    fallback: number,
    { min = 1, max = Number.POSITIVE_INFINITY }: { readonly min?: number; readonly max?: number } = {},
  ): EnvironmentVariable<number> =>
  (env) => {
    const value = optionalPositiveIntegerEnvironment(name, BigInt(fallback), env);
    // A bigint compares exactly with a number, so the bounds check is exact whatever the digits.
    if (value < min || value > max) {
      throw new InvalidEnvironmentError(name, `expected ${min} to ${max}, got ${value}`);
    }
    return Number(value);
  };
