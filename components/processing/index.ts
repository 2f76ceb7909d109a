/**
 * Deciding transactions: the state machine, the bus with its lane rules and function
 * subscriptions, the reconciler's schedule and the sanctions lists' refresh. The state machine's
 * ASL builder (stateMachineDefinition/) is Pulumi-free and imported from its folder, by the local
 * runtime too.
 */
export { BusFunctionSubscription, type BusFunctionSubscriptionArgs } from "./busFunctionSubscription";
export { EventRouting, type EventRoutingArgs } from "./eventRouting";
export { Reconciliation, type ReconciliationArgs } from "./reconciliation";
export { ScreeningListsRefresh, type ScreeningListsRefreshArgs } from "./screeningListsRefresh";
export { TransactionStateMachine, type TransactionStateMachineArgs } from "./transactionStateMachine";
