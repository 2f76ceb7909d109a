/**
 * The pipeline described once, as plain data with no Pulumi in it: its functions (settings, AWS
 * calls, environment), the API routes, the bus's lane rules and subscriptions, the uploads
 * bucket's notifications, the state machine's steps and the names fixed per stack. The program
 * (program/, components/) deploys it and the local runtime (local/) runs it; neither restates it.
 */
export * from "./environment";
export * from "./eventRules";
export * from "./functions";
export * from "./invocations";
export * from "./lanes";
export * from "./names";
export * from "./routes";
export * from "./stateMachine";
export * from "./subscriptions";
export * from "./uploadNotifications";
