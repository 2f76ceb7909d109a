import type { FunctionAwsCalls } from "../shared/awsCallDeclaration";
import { customerHistoryCalls } from "../shared/customerActivityCalls";

/** What this screening step calls (README: "Declared AWS calls"): the customer's history only. */
export const awsCalls: FunctionAwsCalls = customerHistoryCalls;
