/** Webhook bodies as a payment provider sends them (snake_case, amounts as decimal strings). */

export function transactionBody(
  transactionId: string,
  overrides: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> {
  return {
    transaction_id: transactionId,
    amount: "42.50",
    currency: "USD",
    // A customer per transaction: velocity and structuring rules look at a customer's history.
    customer_id: `customer-${transactionId}`,
    merchant_id: "merchant-e2e",
    timestamp: new Date(Date.now() - 60_000).toISOString(),
    merchant_category_code: "5411",
    customer_country: "US",
    merchant_country: "US",
    card: { bin: "424242", last4: "4242" },
    ...overrides,
  };
}
