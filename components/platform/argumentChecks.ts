/** Argument checks the components share, failing with a message that names the argument. */

/** Throws, naming the argument, unless `value` is an integer from `min` to `max`. */
export function checkInteger(argumentName: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new Error(`${argumentName} must be an integer from ${min} to ${max}, got ${value}`);
  }
}

/** Throws `<argument> is required` for the first of `argumentNames` that `args` leaves unset or empty. */
export function checkRequired<Args extends object>(
  args: Args,
  argumentNames: readonly (keyof Args & string)[],
): void {
  for (const argumentName of argumentNames) {
    const value: unknown = args[argumentName];
    if (value === undefined || value === null || value === "") throw new Error(`${argumentName} is required`);
  }
}

const componentNamePattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * Throws unless a component's `name` is lowercase letters, digits and single dashes, at most
 * `maximumLength` characters: the name prefixes AWS names (a bucket's prefix, a function's name)
 * whose rules are stricter than Pulumi's. `why` says what it prefixes, for the message.
 */
export function checkComponentName(
  component: string,
  name: string,
  maximumLength: number,
  why?: string,
): void {
  if (!componentNamePattern.test(name) || name.length > maximumLength) {
    throw new Error(
      `${component} name "${name}" must be lowercase letters, digits and single dashes, at most ${maximumLength} characters${why === undefined ? "" : ` (${why})`}`,
    );
  }
}

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Whether `value` has the shape of an email address (local@domain.tld): SNS email subscriptions take one. */
export function isEmailAddress(value: string): boolean {
  return emailPattern.test(value);
}

const keyArnPattern = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

/**
 * Throws unless `kmsKeyArn` is a KMS key ARN: DynamoDB and IAM need the key's ARN, and an alias
 * or a bare key id would not do. An Input that is still an Output is checked by AWS at deploy time.
 */
export function checkKmsKeyArn(kmsKeyArn: unknown): void {
  if (typeof kmsKeyArn === "string" && !keyArnPattern.test(kmsKeyArn)) {
    throw new Error(
      `kmsKeyArn "${kmsKeyArn}" is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)`,
    );
  }
}

const unqualifiedFunctionArnPattern =
  /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9_-]{1,64})$/;

/**
 * Throws unless `arn` is an unqualified Lambda function ARN (a qualified one, version or alias,
 * would grant and invoke that qualifier only), and answers the function's name. An Input that is
 * still an Output is checked by AWS at deploy time: the answer is then undefined.
 */
export function checkUnqualifiedFunctionArn(argumentName: string, arn: unknown): string | undefined {
  if (typeof arn !== "string") return undefined;
  const match = unqualifiedFunctionArnPattern.exec(arn);
  if (match === null) {
    throw new Error(
      `${argumentName} "${arn}" must be an unqualified Lambda function ARN (arn:<partition>:lambda:<region>:<account>:function:<name>)`,
    );
  }
  return match[1];
}

const schedulePattern =
  /^(?:cron\(\S+(?: \S+){5}\)|rate\([1-9]\d* (?:minute|minutes|hour|hours|day|days)\))$/;

/** Throws unless `scheduleExpression` is an EventBridge `cron(...)` (six fields) or `rate(...)` expression. */
export function checkScheduleExpression(scheduleExpression: string): void {
  if (!schedulePattern.test(scheduleExpression)) {
    throw new Error(
      `scheduleExpression "${scheduleExpression}" must be cron(<6 fields>) or rate(<n> <minutes|hours|days>)`,
    );
  }
}
