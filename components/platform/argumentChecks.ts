/** Argument checks the components share, failing with a message that names the argument. */

/** Throws, naming the argument, unless `value` is an integer from `min` to `max`. */
export function checkInteger(argumentName: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new Error(`${argumentName} must be an integer from ${min} to ${max}, got ${value}`);
  }
}
