/**
 * The policy pack Pulumi runs with `pulumi preview --policy-pack policy`. Constructing a
 * PolicyPack starts the analyzer's gRPC server, so nothing else lives here: the rules are in
 * policies.ts, where tests can load them without starting a server.
 */
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("transaction-pipeline", { policies, enforcementLevel: "mandatory" });
