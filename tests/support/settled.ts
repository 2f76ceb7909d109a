import { settle, type MockRecorder } from "./pulumiMocks";

/**
 * Waits until the mocks stop receiving registrations. Components register children in chains
 * (an endpoint waits for a security group's id, which waits for the VPC), so one `settle()` is
 * not always enough.
 */
export async function settledResources(recorder: MockRecorder): Promise<void> {
  let seen = -1;
  let quietRounds = 0;
  for (let round = 0; round < 200 && quietRounds < 3; round += 1) {
    await settle();
    await new Promise((resolve) => setTimeout(resolve, 2));
    quietRounds = recorder.resources.length === seen ? quietRounds + 1 : 0;
    seen = recorder.resources.length;
  }
}
