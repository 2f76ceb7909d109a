/**
 * Transaction fixtures: the received-event detail from fixtures/, and canonical transactions and
 * history items for the pure screening tests.
 */
import type { CustomerActivityItem } from "../../../functions/shared/customerActivity";
import type {
  CanonicalTransaction,
  TransactionReceivedDetail,
} from "../../../functions/shared/stepContracts";
import receivedDetailFixture from "../fixtures/transaction-received-detail.json";

/** A fresh copy of the fixture detail with fields of `transaction` overridden (undefined removes one). */
export function receivedDetail(
  transactionOverrides: Record<string, unknown> = {},
  detailOverrides: Record<string, unknown> = {},
): TransactionReceivedDetail {
  const copy = structuredClone(receivedDetailFixture) as TransactionReceivedDetail;
  const transaction: Record<string, unknown> = { ...copy.transaction, ...transactionOverrides };
  for (const [key, value] of Object.entries(transactionOverrides))
    if (value === undefined) delete transaction[key];
  return { ...copy, transaction, ...detailOverrides };
}

/** A candidate transaction alone (the fixture's `transaction`), with overrides. */
export function candidate(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...receivedDetail(overrides).transaction };
}

export function canonicalTransaction(overrides: Partial<CanonicalTransaction> = {}): CanonicalTransaction {
  return {
    transactionId: "acme#tx-1",
    source: "webhook",
    provider: "acme",
    amountMinor: 4250,
    amount: "42.50",
    currency: "USD",
    amountUsdMinor: 4250,
    customerId: "customer-1",
    merchantId: "merchant-1",
    merchantCategoryCode: "5411",
    customerCountry: "US",
    merchantCountry: "US",
    occurredAt: "2025-11-14T12:00:00.000Z",
    ...overrides,
  };
}

/** A history item `minutesBefore` the reference instant 2025-11-14T12:00:00Z. */
export function historyItem(
  minutesBefore: number,
  amountUsdMinor = 5000,
  overrides: Partial<CustomerActivityItem> = {},
): CustomerActivityItem {
  const occurredAt = new Date(Date.parse("2025-11-14T12:00:00.000Z") - minutesBefore * 60_000).toISOString();
  return {
    transactionId: `acme#history-${minutesBefore}-${amountUsdMinor}`,
    occurredAt,
    amountMinor: amountUsdMinor,
    currency: "USD",
    amountUsdMinor,
    status: "APPROVED",
    ...overrides,
  };
}
