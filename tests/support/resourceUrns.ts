/**
 * The URN of every resource the program registers under the mocks, each with its parent's URN.
 * Pulumi keys a stack's state by URN (stack, project, the parent chain's types, the resource's
 * type and logical name): a URN that changes between two versions of the program is a delete and
 * a create, a replacement, unless an alias carries it. The parent's URN is kept beside it so a
 * move under another parent of the same type is seen too.
 */
import * as pulumi from "@pulumi/pulumi";

interface RegisterRequest {
  getParent(): string;
}
interface RegisterResponse {
  getUrn(): string;
}
type RegisterCallback = (error: Error | null, response?: RegisterResponse) => void;
interface RegisteringMonitor {
  registerResource(request: RegisterRequest, callback: RegisterCallback): void;
}

export interface UrnRecorder {
  /** One line per resource, `<urn> <- <parent urn>` (or `<- (root)`), sorted. */
  lines(): string[];
}

/**
 * Starts recording the URNs the mock monitor hands out. Call after `installMocks` (which installs
 * the monitor) and before the program runs.
 */
export function recordUrns(): UrnRecorder {
  const monitor = pulumi.runtime.getMonitor() as unknown as RegisteringMonitor | undefined;
  if (monitor === undefined) throw new Error("recordUrns: install the Pulumi mocks first");
  const parents = new Map<string, string>();
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) =>
    register(request, (error, response) => {
      if (error === null && response !== undefined) parents.set(response.getUrn(), request.getParent());
      callback(error, response);
    });
  return {
    lines: () =>
      [...parents.entries()].map(([urn, parent]) => `${urn} <- ${parent === "" ? "(root)" : parent}`).sort(),
  };
}
