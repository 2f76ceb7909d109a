/**
 * A deterministic transaction workload for the domain suite: the same seed and count give the same
 * transactions, histories and wire bodies everywhere. The mix is shaped like card traffic: mostly
 * small domestic payments in a dozen currencies, some cross-border, a few large or round amounts,
 * high-risk merchant categories, high-risk and sanctioned jurisdictions, bursts of velocity, and
 * about 2% of candidates invalid in the ways senders get them wrong.
 *
 * Amounts are built as integers of minor units and written out as decimal text digit by digit:
 * no amount is ever a binary float, here or in what the functions receive.
 */
import type { CustomerActivityItem } from "../../functions/shared/customerActivity";
import { SeededRandom } from "../lib/random";

/** The validation instant of every generated transaction (their timestamps are the day before). */
export const domainBenchNow = new Date("2025-11-15T00:00:00Z");

const dayMs = 86_400_000;
/** The fraud rules' history lookback (rules.json history.lookbackDays) and the structuring window. */
const fraudLookbackMs = 30 * dayMs;
const complianceWindowMs = dayMs;

interface CurrencyProfile {
  readonly code: string;
  /** ISO 4217 minor-unit digits. */
  readonly exponent: number;
  readonly weight: number;
  /** Rough units of this currency per US dollar, as a whole number, to keep amounts realistic. */
  readonly unitsPerUsd: number;
  readonly homeCountries: readonly string[];
}

const currencies: readonly CurrencyProfile[] = [
  { code: "USD", exponent: 2, weight: 40, unitsPerUsd: 1, homeCountries: ["US"] },
  { code: "EUR", exponent: 2, weight: 20, unitsPerUsd: 1, homeCountries: ["DE", "FR", "ES", "IT", "NL"] },
  { code: "GBP", exponent: 2, weight: 10, unitsPerUsd: 1, homeCountries: ["GB"] },
  { code: "JPY", exponent: 0, weight: 8, unitsPerUsd: 150, homeCountries: ["JP"] },
  { code: "INR", exponent: 2, weight: 5, unitsPerUsd: 90, homeCountries: ["IN"] },
  { code: "CAD", exponent: 2, weight: 4, unitsPerUsd: 1, homeCountries: ["CA"] },
  { code: "AUD", exponent: 2, weight: 3, unitsPerUsd: 2, homeCountries: ["AU"] },
  { code: "CHF", exponent: 2, weight: 2, unitsPerUsd: 1, homeCountries: ["CH"] },
  { code: "BRL", exponent: 2, weight: 2, unitsPerUsd: 5, homeCountries: ["BR"] },
  { code: "MXN", exponent: 2, weight: 2, unitsPerUsd: 20, homeCountries: ["MX"] },
  { code: "SEK", exponent: 2, weight: 1, unitsPerUsd: 10, homeCountries: ["SE"] },
  { code: "SGD", exponent: 2, weight: 1, unitsPerUsd: 1, homeCountries: ["SG"] },
  { code: "AED", exponent: 2, weight: 1, unitsPerUsd: 4, homeCountries: ["AE"] },
  { code: "KWD", exponent: 3, weight: 1, unitsPerUsd: 1, homeCountries: ["KW"] },
];

/** FATF increased-monitoring and call-for-action countries, and comprehensively sanctioned ones. */
const highRiskCountries = ["VE", "VN", "KE", "NG", "MM", "LB", "HT"];
const sanctionedCountries = ["IR", "KP", "CU", "SY"];
const travelCountries = ["US", "GB", "FR", "DE", "ES", "JP", "TH", "MX", "AE", "SG", "TR", "BR"];

const commonMccs = ["5411", "5812", "5999", "4111", "5732", "7011", "5541", "5912", "4121", "5691"];
/** From fraud-detection/rules.json highRiskMcc.codes. */
const highRiskMccs = ["7995", "6051", "4829", "5967"];

const merchantNames = [
  "Corner Grocery",
  "Smith, Jones & Co",
  "Ramen Bar",
  "Café Étoile",
  "Bäckerei Müller",
  "東京ストア",
  "Online Subscriptions Ltd",
  "City Taxi",
  "Harbour Hotel",
  "Fuel Stop 24",
];
const customerNames = ["Ana García", "John Smith", "Li Wei", "Priya Patel", "Ólafur Jónsson", "Yuki Tanaka"];
/** An alias on compliance/lists/screening-lists.json: screening BLOCKs it. */
const sanctionedPartyName = "Bank Melli Iran";

/** Ways a sender gets a candidate wrong, one of them in about 2% of cases. */
const invalidVariants = [
  "tooManyDecimals",
  "negativeAmount",
  "exponentAmount",
  "unknownCurrency",
  "futureTimestamp",
  "missingCustomer",
  "badCountry",
  "panInMetadata",
] as const;
export type InvalidVariant = (typeof invalidVariants)[number];

export interface DomainCase {
  /** `detail` of the "Transaction Received" event, as ValidateTransaction receives it. */
  readonly detail: { readonly transactionId: string; readonly transaction: Record<string, unknown> };
  /** What the fraud step's Query returns: the customer's items in the 30-day lookback. */
  readonly fraudHistory: readonly CustomerActivityItem[];
  /** What the compliance step's Query returns: the customer's items in the last 24 hours. */
  readonly complianceHistory: readonly CustomerActivityItem[];
  /** The snake_case body a provider posts, for webhook deliveries (CSV rows have none). */
  readonly wireBody?: string;
  /** The signing provider of the wire body. */
  readonly provider: "acme" | "stripe" | "csv";
  readonly invalid?: InvalidVariant;
}

/** Writes `minor` units of a currency with `exponent` digits as plain decimal text. */
export function decimalText(minor: bigint, exponent: number, trimZeros = false): string {
  if (minor < 0n) return `-${decimalText(-minor, exponent, trimZeros)}`;
  const digits = minor.toString().padStart(exponent + 1, "0");
  if (exponent === 0) return digits;
  const whole = digits.slice(0, -exponent);
  let fraction = digits.slice(-exponent);
  if (trimZeros) fraction = fraction.replace(/0+$/, "");
  return fraction === "" ? whole : `${whole}.${fraction}`;
}

/** Whole major units a payment is for, in US-dollar terms: mostly small, sometimes large or round. */
function majorUsd(random: SeededRandom): { usd: number; round: boolean } {
  const band = random.weighted<"small" | "medium" | "large" | "huge" | "round">([
    ["small", 70],
    ["medium", 20],
    ["large", 7.5],
    ["huge", 1.5],
    ["round", 1],
  ]);
  switch (band) {
    case "small":
      return { usd: random.integer(1, 200), round: false };
    case "medium":
      return { usd: random.integer(200, 2_000), round: false };
    case "large":
      return { usd: random.integer(2_000, 9_900), round: false };
    case "huge":
      return { usd: random.integer(10_001, 150_000), round: false };
    case "round":
      return { usd: random.integer(1, 20) * 1_000, round: true };
  }
}

interface Customer {
  readonly id: string;
  readonly currency: CurrencyProfile;
  readonly country: string;
  readonly name?: string;
  readonly history: readonly CustomerActivityItem[];
}

function makeCustomer(random: SeededRandom, index: number): Customer {
  const currency = random.weighted(currencies.map((profile) => [profile, profile.weight] as const));
  const typicalUsdCents = random.integer(500, 30_000);
  const size = random.weighted<readonly [number, number]>([
    [[0, 0], 10],
    [[3, 30], 70],
    [[30, 120], 15],
    [[120, 400], 5],
  ]);
  const count = random.integer(size[0], size[1]);
  const id = `customer-${String(index).padStart(6, "0")}`;
  const history: CustomerActivityItem[] = [];
  for (let n = 0; n < count; n += 1) {
    const occurredAt = new Date(domainBenchNow.getTime() - random.integer(60, 31 * 86_400) * 1000);
    const amountUsdMinor = Math.max(100, typicalUsdCents + random.integer(-typicalUsdCents, typicalUsdCents));
    history.push({
      transactionId: `acme#history-${index}-${n}`,
      occurredAt: occurredAt.toISOString(),
      amountMinor: amountUsdMinor,
      currency: "USD",
      amountUsdMinor,
      status: random.weighted([
        ["APPROVED", 90],
        ["REVIEW", 6],
        ["REJECTED", 4],
      ]),
    });
  }
  // The Query answers oldest first, as findCustomerActivity sorts it.
  history.sort((a, b) => (a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : 0));
  return {
    id,
    currency,
    country: random.pick(currency.homeCountries),
    ...(random.chance(0.4) ? { name: random.pick(customerNames) } : {}),
    history,
  };
}

/** RFC 3339 text of `instant`, in UTC or at a fixed offset the way some providers send it. */
function timestampText(instant: number, random: SeededRandom): string {
  const offsetHours = random.weighted([
    [0, 80],
    [9, 10],
    [-5, 10],
  ]);
  if (offsetHours === 0) return `${new Date(instant).toISOString().slice(0, 19)}Z`;
  const local = new Date(instant + offsetHours * 3_600_000).toISOString().slice(0, 19);
  const sign = offsetHours < 0 ? "-" : "+";
  return `${local}${sign}${String(Math.abs(offsetHours)).padStart(2, "0")}:00`;
}

function windowOf(
  items: readonly CustomerActivityItem[],
  from: number,
  to: number,
): readonly CustomerActivityItem[] {
  return items.filter((item) => {
    const instant = Date.parse(item.occurredAt);
    return instant >= from && instant <= to;
  });
}

/** The wire body (snake_case, see DESIGN.md "Wire formats") of a candidate. */
function wireBodyOf(id: string, candidate: Record<string, unknown>): string {
  const wire: Record<string, unknown> = {
    transaction_id: id,
    amount: candidate.amount,
    currency: candidate.currency,
    customer_id: candidate.customerId,
    merchant_id: candidate.merchantId,
    timestamp: candidate.occurredAt,
    merchant_category_code: candidate.merchantCategoryCode,
    customer_country: candidate.customerCountry,
    merchant_country: candidate.merchantCountry,
    customer_name: candidate.customerName,
    merchant_name: candidate.merchantName,
    card: candidate.card,
    metadata: candidate.metadata,
  };
  return JSON.stringify(wire);
}

function makeInvalid(variant: InvalidVariant, candidate: Record<string, unknown>): void {
  switch (variant) {
    case "tooManyDecimals":
      candidate.amount = "12.345";
      candidate.currency = "USD";
      break;
    case "negativeAmount":
      candidate.amount = "-25.00";
      break;
    case "exponentAmount":
      candidate.amount = "1e3";
      break;
    case "unknownCurrency":
      candidate.currency = "XYZ";
      break;
    case "futureTimestamp":
      candidate.occurredAt = new Date(domainBenchNow.getTime() + dayMs).toISOString();
      break;
    case "missingCustomer":
      delete candidate.customerId;
      break;
    case "badCountry":
      candidate.merchantCountry = "ZZ";
      break;
    case "panInMetadata":
      candidate.metadata = { note: "card 4111111111111111" };
      break;
  }
}

export interface DomainWorkloadOptions {
  readonly seed: number;
  readonly count: number;
  /** Distinct customers the transactions are spread over. */
  readonly customers?: number;
}

/** The workload: `count` cases, the same for the same options. */
export function generateDomainWorkload(options: DomainWorkloadOptions): DomainCase[] {
  const random = new SeededRandom(options.seed);
  const customerCount = options.customers ?? Math.max(100, Math.round(options.count / 10));
  const customers = Array.from({ length: customerCount }, (_, index) => makeCustomer(random, index));
  const cases: DomainCase[] = [];
  for (let index = 0; index < options.count; index += 1) {
    // Squaring skews traffic towards a few busy customers, as real traffic is.
    const customer = customers[Math.floor(customerCount * random.next() ** 2)];
    const provider = random.weighted<DomainCase["provider"]>([
      ["acme", 60],
      ["stripe", 20],
      ["csv", 20],
    ]);
    // Base 36 keeps digit runs short: "tx-20251115-00000123" would read as a card number one time in ten.
    const id = `tx_${options.seed.toString(36)}_${index.toString(36).padStart(5, "0")}`;
    const currency = random.chance(0.9)
      ? customer.currency
      : random.weighted(currencies.map((profile) => [profile, profile.weight] as const));
    const { usd, round } = majorUsd(random);
    const scale = 10n ** BigInt(currency.exponent);
    const major = BigInt(usd * currency.unitsPerUsd);
    const minor = round ? major * scale : major * scale + BigInt(random.integer(0, Number(scale) - 1));
    const occurredAtMs = domainBenchNow.getTime() - random.integer(60, 86_400) * 1000;
    const crossBorder = random.chance(0.15);
    const merchantCountry = random.chance(0.001)
      ? random.pick(sanctionedCountries)
      : crossBorder
        ? random.pick(travelCountries)
        : customer.country;
    const customerCountry = random.chance(0.005) ? random.pick(highRiskCountries) : customer.country;
    const candidate: Record<string, unknown> = {
      transactionId: id,
      source: provider === "csv" ? "csv" : "webhook",
      provider,
      amount: decimalText(minor, currency.exponent, random.chance(0.1)),
      currency: currency.code,
      customerId: customer.id,
      merchantId: `merchant-${random.integer(1, 5_000)}`,
      occurredAt: timestampText(occurredAtMs, random),
      merchantCategoryCode: random.chance(0.03) ? random.pick(highRiskMccs) : random.pick(commonMccs),
      customerCountry,
      merchantCountry,
      merchantName: random.chance(0.0005) ? sanctionedPartyName : random.pick(merchantNames),
      ...(customer.name === undefined ? {} : { customerName: customer.name }),
      ...(random.chance(0.7)
        ? {
            card: {
              bin: String(random.integer(400000, 559999)),
              last4: String(random.integer(0, 9999)).padStart(4, "0"),
            },
          }
        : {}),
      ...(random.chance(0.5)
        ? { metadata: { order_reference: `order-${random.integer(1, 9_999_999)}` } }
        : {}),
    };
    const invalid = random.chance(0.02) ? random.pick(invalidVariants) : undefined;
    if (invalid !== undefined) makeInvalid(invalid, candidate);

    let fraudHistory = windowOf(customer.history, occurredAtMs - fraudLookbackMs, occurredAtMs);
    // About 2% come in a burst: card testing or a compromised account, five or more in the hour.
    if (random.chance(0.02)) {
      const burst: CustomerActivityItem[] = Array.from({ length: random.integer(5, 8) }, (_, n) => {
        const amountUsdMinor = random.integer(100, 5_000);
        return {
          transactionId: `acme#burst-${index}-${n}`,
          occurredAt: new Date(occurredAtMs - (n + 1) * random.integer(60, 420) * 1000).toISOString(),
          amountMinor: amountUsdMinor,
          currency: "USD",
          amountUsdMinor,
          status: "APPROVED",
        };
      });
      fraudHistory = [...fraudHistory, ...burst].sort((a, b) =>
        a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : 0,
      );
    }
    cases.push({
      detail: { transactionId: `${provider}#${id}`, transaction: candidate },
      fraudHistory,
      complianceHistory: windowOf(fraudHistory, occurredAtMs - complianceWindowMs, occurredAtMs),
      ...(provider === "csv" ? {} : { wireBody: wireBodyOf(id, candidate) }),
      provider,
      ...(invalid === undefined ? {} : { invalid }),
    });
  }
  return cases;
}
