/**
 * Names fixed per stack rather than generated: the event bus and the dashboard (EventBridge and
 * CloudWatch take no name prefixes, and stacks may share an account). The local runtime is the
 * stack "local".
 */

export function stackScopedName(project: string, stack: string): string {
  return `${project}-${stack}`;
}

/** The project name in Pulumi.yaml, which the local runtime names its resources after too. */
export const projectName = "transaction-pipeline";
