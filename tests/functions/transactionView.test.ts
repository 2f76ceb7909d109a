/**
 * The pure rendering of stored items as the `GET /transactions/{id}` answer: wire names, omitted
 * absent fields, merged reasons, and no card number ever leaving.
 */
import { expect } from "chai";
import {
  acceptedIntake,
  needsIntakeDetails,
  renderDecision,
  renderReceived,
  renderTransaction,
} from "../../functions/transaction-status/transactionView";
import approvedItemFixture from "./fixtures/transaction-status/approved-item.json";
import intakeRecordFixture from "./fixtures/transaction-status/intake-record-accepted.json";
import rejectedItemFixture from "./fixtures/transaction-status/rejected-validation-item.json";

function approvedItem(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...structuredClone(approvedItemFixture), ...overrides };
}

const approvedKey = approvedItemFixture.transactionId;

describe("transaction status rendering", () => {
  it("renders a decided transaction in snake_case with every stored field and the merged reasons", () => {
    // Act
    const view = renderTransaction(approvedKey, approvedItem());
    // Assess
    expect(view).to.deep.equal({
      transaction_id: "acme#tx-status-approved",
      status: "APPROVED",
      source: "webhook",
      provider: "acme",
      amount: "12500.00",
      currency: "USD",
      customer_id: "customer-42",
      merchant_id: "merchant-7",
      merchant_category_code: "5732",
      customer_country: "US",
      merchant_country: "GB",
      customer_name: "Ada Lovelace",
      merchant_name: "Analytical Engines Ltd",
      occurred_at: "2025-11-14T11:58:00.000Z",
      received_at: "2025-11-14T11:58:01.250Z",
      card: { bin: "411111", last4: "1111" },
      metadata: { orderReference: "order-123", channel: "web" },
      decision: {
        status: "APPROVED",
        stage: "SCREENING",
        lane: "high",
        decided_at: "2025-11-14T11:58:02.000Z",
        reasons: [
          { code: "COUNTRY_MISMATCH", message: "customer country US differs from merchant country GB" },
          {
            code: "CTR_THRESHOLD",
            message: "amount of 12500.00 USD equivalent is above the 10000.00 USD reporting threshold",
          },
        ],
        fraud: {
          score: 20,
          level: "LOW",
          signals: [
            {
              code: "COUNTRY_MISMATCH",
              points: 20,
              message: "customer country US differs from merchant country GB",
            },
          ],
          rules_version: "2025-11-14.1",
        },
        compliance: {
          decision: "CLEAR",
          rules: [
            {
              rule_id: "CTR_THRESHOLD",
              outcome: "REPORT",
              message: "amount of 12500.00 USD equivalent is above the 10000.00 USD reporting threshold",
            },
          ],
          report_required: true,
          list_version: "2025-11-01",
        },
      },
    });
  });

  it("never exposes internal fields: minor units, the USD equivalent or the execution ARN", () => {
    const text = JSON.stringify(renderTransaction(approvedKey, approvedItem()));
    for (const internal of ["amountMinor", "amount_minor", "amountUsdMinor", "executionId", "arn:aws"]) {
      expect(text).not.to.contain(internal);
    }
  });

  it("merges validation reasons, fraud signals and compliance hits in that order, keeping field", () => {
    // Prepare
    const decision = {
      status: "REJECTED",
      validation: { valid: false, reasons: [{ code: "INVALID_FIELD", field: "metadata", message: "m1" }] },
      fraud: { score: 75, level: "HIGH", signals: [{ code: "VELOCITY", points: 40, message: "m2" }] },
      compliance: {
        decision: "BLOCK",
        rules: [{ ruleId: "SANCTIONED_COUNTRY", outcome: "BLOCK", message: "m3" }],
      },
    };
    // Act
    const rendered = renderDecision(decision);
    // Assess
    expect(rendered?.reasons).to.deep.equal([
      { code: "INVALID_FIELD", message: "m1", field: "metadata" },
      { code: "VELOCITY", message: "m2" },
      { code: "SANCTIONED_COUNTRY", message: "m3" },
    ]);
  });

  it("shows an analyst why a name was blocked: list, entry, matched alias, score and list versions", () => {
    // Prepare: the compliance record as the ComplianceCheck step stores it
    const decision = {
      status: "REJECTED",
      compliance: {
        decision: "BLOCK",
        rules: [{ ruleId: "SANCTIONED_PARTY", outcome: "BLOCK", message: "m" }],
        listVersion: "2026-12-07.1",
        screeningIndexVersion: "OFAC-SDN@2024-05-03#210ca6b4a818",
        screenedLists: [
          { list: "OFAC-SDN", publishedAt: "2024-05-03", entryCount: 14965, contentHash: "210ca6b4" },
        ],
        sanctionsMatches: [
          {
            field: "merchantName",
            list: "OFAC-SDN",
            entryNumber: "15076",
            listedName: "SEA STAR III",
            matchedName: "SEASTAR III",
            alias: true,
            score: 0.98,
            reviewThreshold: 0.91,
            blockThreshold: 0.97,
            programs: ["IRAN"],
          },
        ],
      },
    };
    // Act
    const compliance = renderDecision(decision)?.compliance;
    // Assess
    expect(compliance).to.deep.equal({
      decision: "BLOCK",
      rules: [{ rule_id: "SANCTIONED_PARTY", outcome: "BLOCK", message: "m" }],
      list_version: "2026-12-07.1",
      screening_index_version: "OFAC-SDN@2024-05-03#210ca6b4a818",
      screened_lists: [
        { list: "OFAC-SDN", published_at: "2024-05-03", entry_count: 14965, content_hash: "210ca6b4" },
      ],
      sanctions_matches: [
        {
          field: "merchantName",
          list: "OFAC-SDN",
          entry_number: "15076",
          listed_name: "SEA STAR III",
          matched_name: "SEASTAR III",
          alias: true,
          score: 0.98,
          review_threshold: 0.91,
          block_threshold: 0.97,
          programs: ["IRAN"],
        },
      ],
    });
  });

  it("renders a transaction rejected at validation with its reasons only (no fraud, no compliance)", () => {
    // Act
    const view = renderTransaction(rejectedItemFixture.transactionId, structuredClone(rejectedItemFixture));
    // Assess
    expect(view).to.deep.equal({
      transaction_id: "acme#tx-status-rejected",
      status: "REJECTED",
      decision: {
        status: "REJECTED",
        stage: "VALIDATION",
        lane: "low",
        decided_at: "2025-11-14T11:58:02.000Z",
        reasons: [
          {
            code: "INVALID_AMOUNT",
            message: "amount: 12.345 has more decimals than USD allows (2)",
            field: "amount",
          },
          {
            code: "INVALID_COUNTRY",
            message: "customerCountry: must be an ISO 3166-1 alpha-2 code",
            field: "customerCountry",
          },
        ],
      },
    });
  });

  it("takes source, provider and received_at from the accepted intake record when the item lacks them", () => {
    // Prepare
    const intake = acceptedIntake(intakeRecordFixture);
    // Act
    const view = renderTransaction(
      rejectedItemFixture.transactionId,
      structuredClone(rejectedItemFixture),
      intake,
    );
    // Assess
    expect(needsIntakeDetails(rejectedItemFixture)).to.equal(true);
    expect(needsIntakeDetails(approvedItemFixture)).to.equal(false);
    expect(view).to.include({ source: "webhook", provider: "acme", received_at: "2025-11-14T11:58:01.250Z" });
  });

  it("lets the stored item win over the intake record", () => {
    const view = renderTransaction(approvedKey, approvedItem(), {
      source: "csv",
      provider: "other",
      receivedAt: "x",
    });
    expect(view).to.include({ source: "webhook", provider: "acme", received_at: "2025-11-14T11:58:01.250Z" });
  });

  it("renders a validated transaction without a decision yet as RECEIVED, omitting decision", () => {
    // Prepare
    const item = approvedItem({ status: "RECEIVED", decision: undefined });
    // Act
    const view = renderTransaction(approvedKey, item);
    // Assess
    expect(view.status).to.equal("RECEIVED");
    expect(view).not.to.have.property("decision");
  });

  it("omits absent optional fields instead of answering null", () => {
    // Prepare
    const item = approvedItem({
      provider: undefined,
      merchantCategoryCode: null,
      customerName: undefined,
      card: undefined,
      metadata: undefined,
      decision: { status: "APPROVED", fraud: { score: 0, level: "LOW", signals: [] } },
    });
    // Act
    const view = renderTransaction(approvedKey, item);
    // Assess
    for (const absent of ["provider", "merchant_category_code", "customer_name", "card", "metadata"]) {
      expect(view).not.to.have.property(absent);
    }
    expect(view.decision).to.deep.equal({
      status: "APPROVED",
      reasons: [],
      fraud: { score: 0, level: "LOW", signals: [] },
    });
    expect(JSON.stringify(view)).not.to.contain("null");
  });

  it("leaves out fields of the wrong type rather than failing the whole answer", () => {
    // Prepare
    const item = approvedItem({
      amount: 12.5,
      currency: 840,
      card: { bin: "41", last4: "1111" },
      decision: {
        status: "REVIEW",
        fraud: { score: "high", level: "HIGH" },
        compliance: { decision: "REVIEW", rules: [{ ruleId: "STRUCTURING" }, "junk"], reportRequired: "yes" },
        validation: { reasons: [{ code: "X" }, null] },
      },
    });
    // Act
    const view = renderTransaction(approvedKey, item);
    // Assess
    expect(view).not.to.have.property("amount");
    expect(view).not.to.have.property("currency");
    expect(view.card).to.deep.equal({ last4: "1111" });
    expect(view.decision).to.deep.equal({
      status: "REVIEW",
      reasons: [],
      compliance: { decision: "REVIEW", rules: [] },
    });
  });

  it("answers only BIN and last 4 of the card, whatever else the item holds", () => {
    const view = renderTransaction(
      approvedKey,
      approvedItem({ card: { bin: "411111", last4: "1111", expiry: "12/29", holder: "Ada" } }),
    );
    expect(view.card).to.deep.equal({ bin: "411111", last4: "1111" });
  });

  it("masks a card number that somehow reached a stored value, a metadata key or a reason message", () => {
    // Prepare
    const pan = "4111111111111111";
    const item = approvedItem({
      customerName: `Ada ${pan}`,
      metadata: { note: `paid with 4111 1111 1111 1111`, [pan]: "key", nested: [{ deep: pan }] },
      decision: {
        status: "REJECTED",
        validation: {
          valid: false,
          reasons: [{ code: "X", field: `metadata.${pan}`, message: `saw ${pan}` }],
        },
      },
    });
    // Act
    const text = JSON.stringify(renderTransaction(approvedKey, item));
    // Assess
    expect(text).not.to.match(/4111[\s-]?1111[\s-]?1111/);
    expect(text).to.contain("************1111");
    expect(text).to.contain("**** **** **** 1111");
  });

  it("keeps untouched the text that holds no card number (no normalisation)", () => {
    const view = renderTransaction(approvedKey, approvedItem({ merchantName: "ﬁne café" }));
    expect(view.merchant_name).to.equal("ﬁne café");
  });

  it("takes the status from the item, then from the decision, and never answers an unknown status", () => {
    expect(renderTransaction(approvedKey, approvedItem({ status: "REVIEW" })).status).to.equal("REVIEW");
    expect(renderTransaction(approvedKey, approvedItem({ status: undefined })).status).to.equal("APPROVED");
    expect(
      renderTransaction(approvedKey, approvedItem({ status: "WEIRD", decision: undefined })).status,
    ).to.equal("RECEIVED");
  });
});

describe("received (intake only) rendering", () => {
  it("answers RECEIVED with received_at, provider and source for an ACCEPTED record", () => {
    // Prepare
    const intake = acceptedIntake(intakeRecordFixture);
    // Act
    const view = intake && renderReceived(intakeRecordFixture.transactionId, intake);
    // Assess
    expect(view).to.deep.equal({
      transaction_id: "acme#tx-status-received",
      status: "RECEIVED",
      received_at: "2025-11-14T11:58:01.250Z",
      provider: "acme",
      source: "webhook",
    });
  });

  it("treats a PENDING claim, a missing record or a malformed one as nothing accepted", () => {
    expect(acceptedIntake({ ...intakeRecordFixture, state: "PENDING" })).to.equal(undefined);
    expect(acceptedIntake(undefined)).to.equal(undefined);
    expect(acceptedIntake(["ACCEPTED"])).to.equal(undefined);
  });

  it("never answers the payload hash, the stored response or the claim details", () => {
    const intake = acceptedIntake(intakeRecordFixture);
    const text = JSON.stringify(intake && renderReceived(intakeRecordFixture.transactionId, intake));
    for (const internal of ["payload", "attempt", "lease", "expires", "response", "delivery"]) {
      expect(text.toLowerCase()).not.to.contain(internal);
    }
  });
});
