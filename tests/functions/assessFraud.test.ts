import { expect } from "chai";
import { assessFraud, fraudLevel } from "../../functions/fraud-detection/assessFraud";
import { loadFraudRules, type FraudRules } from "../../functions/fraud-detection/fraudRules";
import type { CustomerActivityItem } from "../../functions/shared/customerActivity";
import { canonicalTransaction, historyItem } from "./support/transactions";

const rules = loadFraudRules(undefined);

/** Three ordinary 50 USD purchases in the last month: an established customer. */
const establishedHistory: readonly CustomerActivityItem[] = [
  historyItem(60 * 24 * 3),
  historyItem(60 * 24 * 10),
  historyItem(60 * 24 * 20),
];

function signalCodes(
  transaction = canonicalTransaction(),
  history: readonly CustomerActivityItem[] = establishedHistory,
  withRules: FraudRules = rules,
) {
  return assessFraud(transaction, history, withRules).signals.map((signal) => signal.code);
}

describe("fraud assessment: defaults", () => {
  it("scores a plain domestic small transaction of a customer with no history 0, LOW", () => {
    // Act
    const assessment = assessFraud(canonicalTransaction(), [], rules);
    // Assess
    expect(assessment).to.deep.equal({ score: 0, level: "LOW", signals: [], rulesVersion: rules.version });
  });

  it("puts a single cross-border transaction at a high-risk MCC in MEDIUM", () => {
    // Act
    const assessment = assessFraud(
      canonicalTransaction({ customerCountry: "GB", merchantCountry: "US", merchantCategoryCode: "7995" }),
      [],
      rules,
    );
    // Assess
    expect(assessment.level).to.equal("MEDIUM");
    expect(assessment.score).to.equal(45);
    expect(assessment.signals.map((signal) => signal.code)).to.deep.equal([
      "COUNTRY_MISMATCH",
      "HIGH_RISK_MCC",
    ]);
  });

  it("puts velocity together with an amount far above history in HIGH", () => {
    // Prepare: five 50 USD purchases in the last hour, then 1,000 USD
    const history = [1, 5, 10, 20, 30].map((minutes) => historyItem(minutes));
    // Act
    const assessment = assessFraud(
      canonicalTransaction({ amountMinor: 100_000, amount: "1000.00", amountUsdMinor: 100_000 }),
      history,
      rules,
    );
    // Assess
    expect(assessment.signals.map((signal) => signal.code)).to.include.members([
      "VELOCITY",
      "AMOUNT_ABOVE_HISTORY",
    ]);
    expect(assessment.level).to.equal("HIGH");
  });
});

describe("fraud signals, each fired and not fired", () => {
  it("VELOCITY fires at 5 earlier transactions in the 60 minutes before, not at 4", () => {
    // Prepare
    const four = [1, 10, 20, 59].map((minutes) => historyItem(minutes));
    const five = [...four, historyItem(60)];
    // Assess
    expect(signalCodes(canonicalTransaction(), four)).not.to.include("VELOCITY");
    expect(signalCodes(canonicalTransaction(), five)).to.include("VELOCITY");
  });

  it("VELOCITY ignores transactions outside the window, after this one, and this one itself", () => {
    // Prepare
    const history = [
      ...[1, 10, 20, 30].map((minutes) => historyItem(minutes)),
      historyItem(61),
      historyItem(-1),
      historyItem(0, 5000, { transactionId: "acme#tx-1" }),
    ];
    // Assess
    expect(signalCodes(canonicalTransaction(), history)).not.to.include("VELOCITY");
  });

  it("VELOCITY counts REJECTED attempts", () => {
    const history = [1, 2, 3, 4, 5].map((minutes) => historyItem(minutes, 5000, { status: "REJECTED" }));
    expect(signalCodes(canonicalTransaction(), history)).to.include("VELOCITY");
  });

  it("AMOUNT_ABOVE_HISTORY fires above 5x the 30-day average, not at exactly 5x", () => {
    // Prepare: average 50.00 USD
    const atFiveTimes = canonicalTransaction({ amountUsdMinor: 25_000 });
    const aboveFiveTimes = canonicalTransaction({ amountUsdMinor: 25_001 });
    // Assess
    expect(signalCodes(atFiveTimes)).not.to.include("AMOUNT_ABOVE_HISTORY");
    expect(signalCodes(aboveFiveTimes)).to.include("AMOUNT_ABOVE_HISTORY");
  });

  it("AMOUNT_ABOVE_HISTORY needs 3 spending transactions and ignores REJECTED ones and older ones", () => {
    // Prepare
    const transaction = canonicalTransaction({ amountUsdMinor: 100_000 });
    const two = establishedHistory.slice(0, 2);
    const twoPlusRejected = [...two, historyItem(60, 5000, { status: "REJECTED" })];
    const twoPlusOld = [...two, historyItem(60 * 24 * 31)];
    // Assess
    expect(signalCodes(transaction, two)).not.to.include("AMOUNT_ABOVE_HISTORY");
    expect(signalCodes(transaction, twoPlusRejected)).not.to.include("AMOUNT_ABOVE_HISTORY");
    expect(signalCodes(transaction, twoPlusOld)).not.to.include("AMOUNT_ABOVE_HISTORY");
    expect(signalCodes(transaction, establishedHistory)).to.include("AMOUNT_ABOVE_HISTORY");
  });

  it("AMOUNT_ABOVE_HISTORY explains itself with the average", () => {
    const [signal] = assessFraud(
      canonicalTransaction({ amountUsdMinor: 100_000 }),
      establishedHistory,
      rules,
    ).signals;
    expect(signal.message).to.equal(
      "amount of 1000.00 USD equivalent is more than 5x the customer's 30-day average of 50.00 USD (3 transactions)",
    );
  });

  it("COUNTRY_MISMATCH fires when both countries are known and differ", () => {
    expect(signalCodes(canonicalTransaction({ customerCountry: "GB", merchantCountry: "US" }))).to.include(
      "COUNTRY_MISMATCH",
    );
    expect(
      signalCodes(canonicalTransaction({ customerCountry: "US", merchantCountry: "US" })),
    ).not.to.include("COUNTRY_MISMATCH");
    expect(
      signalCodes(canonicalTransaction({ customerCountry: "GB", merchantCountry: undefined })),
    ).not.to.include("COUNTRY_MISMATCH");
  });

  it("HIGH_RISK_MCC fires for listed categories only, with the reason from the rules", () => {
    // Act
    const assessment = assessFraud(
      canonicalTransaction({ merchantCategoryCode: "6051" }),
      establishedHistory,
      rules,
    );
    // Assess
    expect(assessment.signals[0].message).to.contain("merchant category 6051 is high risk: Quasi-cash");
    expect(signalCodes(canonicalTransaction({ merchantCategoryCode: "5411" }))).not.to.include(
      "HIGH_RISK_MCC",
    );
    expect(signalCodes(canonicalTransaction({ merchantCategoryCode: undefined }))).not.to.include(
      "HIGH_RISK_MCC",
    );
    expect(signalCodes(canonicalTransaction({ merchantCategoryCode: "toString" }))).not.to.include(
      "HIGH_RISK_MCC",
    );
  });

  it("ROUND_AMOUNT fires for a whole multiple of 1,000 units worth at least 1,000 USD", () => {
    // Assess
    expect(
      signalCodes(canonicalTransaction({ amountMinor: 200_000, amount: "2000.00", amountUsdMinor: 200_000 })),
    ).to.include("ROUND_AMOUNT");
    expect(
      signalCodes(canonicalTransaction({ amountMinor: 200_100, amount: "2001.00", amountUsdMinor: 200_100 })),
    ).not.to.include("ROUND_AMOUNT");
    // 1,000 GBP is round, and 1,315 USD equivalent
    expect(
      signalCodes(
        canonicalTransaction({
          currency: "GBP",
          amountMinor: 100_000,
          amount: "1000.00",
          amountUsdMinor: 131_500,
        }),
      ),
    ).to.include("ROUND_AMOUNT");
    // 1,000 CNY is round, but only 140.60 USD
    expect(
      signalCodes(
        canonicalTransaction({
          currency: "CNY",
          amountMinor: 100_000,
          amount: "1000.00",
          amountUsdMinor: 14_060,
        }),
      ),
    ).not.to.include("ROUND_AMOUNT");
  });

  it("ROUND_AMOUNT uses 100,000 units for JPY, where 1,000 is small change", () => {
    expect(
      signalCodes(
        canonicalTransaction({
          currency: "JPY",
          amountMinor: 250_000,
          amount: "250000",
          amountUsdMinor: 161_750,
        }),
      ),
    ).not.to.include("ROUND_AMOUNT");
    expect(
      signalCodes(
        canonicalTransaction({
          currency: "JPY",
          amountMinor: 300_000,
          amount: "300000",
          amountUsdMinor: 194_100,
        }),
      ),
    ).to.include("ROUND_AMOUNT");
  });

  it("FIRST_TRANSACTION_LARGE fires without spending history from 1,000 USD equivalent", () => {
    // Prepare
    const large = canonicalTransaction({ amountMinor: 100_000, amount: "1000.00", amountUsdMinor: 100_000 });
    const justBelow = canonicalTransaction({ amountMinor: 99_999, amount: "999.99", amountUsdMinor: 99_999 });
    // Assess
    expect(signalCodes(large, [])).to.include("FIRST_TRANSACTION_LARGE");
    expect(signalCodes(large, [historyItem(60, 5000, { status: "REJECTED" })])).to.include(
      "FIRST_TRANSACTION_LARGE",
    );
    expect(signalCodes(justBelow, [])).not.to.include("FIRST_TRANSACTION_LARGE");
    expect(signalCodes(large, [historyItem(60 * 24)])).not.to.include("FIRST_TRANSACTION_LARGE");
  });

  it("a disabled signal never fires", () => {
    const disabled = loadFraudRules({ version: "off", signals: { countryMismatch: { enabled: false } } });
    expect(
      signalCodes(canonicalTransaction({ customerCountry: "GB" }), establishedHistory, disabled),
    ).not.to.include("COUNTRY_MISMATCH");
  });
});

describe("fraud score and levels", () => {
  it("maps scores to levels at the thresholds (MEDIUM at 40, HIGH at 70)", () => {
    expect([0, 39, 40, 69, 70, 100].map((score) => fraudLevel(score, rules.levels))).to.deep.equal([
      "LOW",
      "LOW",
      "MEDIUM",
      "MEDIUM",
      "HIGH",
      "HIGH",
    ]);
  });

  it("caps the score at 100 when every signal fires", () => {
    // Prepare: velocity + far above history + cross-border + high-risk MCC + round
    const history = [1, 2, 3, 4, 5].map((minutes) => historyItem(minutes));
    const transaction = canonicalTransaction({
      amountMinor: 500_000,
      amount: "5000.00",
      amountUsdMinor: 500_000,
      customerCountry: "GB",
      merchantCountry: "US",
      merchantCategoryCode: "4829",
    });
    // Act
    const assessment = assessFraud(transaction, history, rules);
    // Assess
    expect(assessment.signals.reduce((sum, signal) => sum + signal.points, 0)).to.be.greaterThan(100);
    expect(assessment.score).to.equal(100);
    expect(assessment.level).to.equal("HIGH");
  });

  it("is deterministic: the same transaction and history in any order give the same answer", () => {
    // Prepare
    const history = [1, 2, 3, 4, 5, 60 * 24].map((minutes) => historyItem(minutes));
    const transaction = canonicalTransaction({ amountUsdMinor: 90_000, customerCountry: "GB" });
    // Act
    const first = assessFraud(transaction, history, rules);
    const second = assessFraud(transaction, [...history].reverse(), rules);
    // Assess
    expect(second).to.deep.equal(first);
  });
});
