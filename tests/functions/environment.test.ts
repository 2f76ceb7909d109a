import { expect } from "chai";
import {
  optionalJsonEnvironment,
  optionalPositiveIntegerEnvironment,
  requireEnvironment,
} from "../../functions/shared/environment";
import { MissingEnvironmentError } from "../../functions/shared/errors";
import { defaultMaxAmountUsdMinor } from "../../functions/shared/sharedSettings";
import { loadValidationConfig } from "../../functions/validation/config";

describe("environment read at cold start", () => {
  it("fails fast naming a missing required variable", () => {
    // Act
    const attempt = () => requireEnvironment("TRANSACTIONS_TABLE_NAME", {});
    // Assess
    expect(attempt).to.throw(MissingEnvironmentError, "TRANSACTIONS_TABLE_NAME");
  });

  it("treats an empty value as missing", () => {
    expect(() => requireEnvironment("X", { X: "  " })).to.throw(MissingEnvironmentError);
  });

  it("reads the validation config with the 1,000,000 USD default maximum", () => {
    expect(loadValidationConfig({ TRANSACTIONS_TABLE_NAME: "t" })).to.deep.equal({
      tableName: "t",
      maxAmountUsdMinor: defaultMaxAmountUsdMinor,
    });
    expect(defaultMaxAmountUsdMinor).to.equal(100_000_000n);
  });

  it("reads MAX_AMOUNT_USD_MINOR exactly, beyond 2^53", () => {
    const config = loadValidationConfig({
      TRANSACTIONS_TABLE_NAME: "t",
      MAX_AMOUNT_USD_MINOR: "90071992547409930",
    });
    expect(config.maxAmountUsdMinor).to.equal(90_071_992_547_409_930n);
  });

  for (const value of ["1e8", "-1", "0", "10.5", "lots"]) {
    it(`rejects MAX_AMOUNT_USD_MINOR=${value} naming the variable`, () => {
      expect(() =>
        optionalPositiveIntegerEnvironment("MAX_AMOUNT_USD_MINOR", 1n, { MAX_AMOUNT_USD_MINOR: value }),
      )
        .to.throw(/MAX_AMOUNT_USD_MINOR/)
        .with.property("name", "InvalidEnvironmentError");
    });
  }

  it("parses JSON variables and names the variable when the JSON is malformed", () => {
    expect(
      optionalJsonEnvironment("FRAUD_RULES_OVERRIDE", { FRAUD_RULES_OVERRIDE: '{"a":1}' }),
    ).to.deep.equal({ a: 1 });
    expect(optionalJsonEnvironment("FRAUD_RULES_OVERRIDE", {})).to.equal(undefined);
    expect(() => optionalJsonEnvironment("FRAUD_RULES_OVERRIDE", { FRAUD_RULES_OVERRIDE: "{a:1}" }))
      .to.throw(/FRAUD_RULES_OVERRIDE/)
      .with.property("cause");
  });
});
