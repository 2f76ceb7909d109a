/**
 * Sanctioned-party screening end to end: webhooks naming an OFAC SDN party in the ways customers
 * write names are decided REJECTED (compliance BLOCK) or REVIEW, and `GET /transactions/{id}` says
 * which list entry, which spelling and which score decided it.
 */
import { expect } from "chai";
import { usePipelineTarget } from "../support/pipelineTarget";
import { transactionBody } from "../support/transactionBodies";

interface SanctionsMatchView {
  readonly field: string;
  readonly list: string;
  readonly entry_number: string;
  readonly matched_name: string;
  readonly alias: boolean;
  readonly score: number;
}

interface ComplianceView {
  readonly decision: string;
  readonly screening_index_version?: string;
  readonly screened_lists?: readonly { readonly list: string; readonly published_at: string }[];
  readonly sanctions_matches?: readonly SanctionsMatchView[];
}

describe("sanctions screening end to end", function () {
  this.timeout(120_000);
  const pipeline = usePipelineTarget();

  // OFAC SDN entry 3754, "ABU MARZOOK, Mousa Mohammed", and vessel 15076 "SEA STAR III" (a.k.a. SEASTAR III).
  const variants: ReadonlyArray<readonly [kind: string, field: string, name: string, entry: string]> = [
    ["exact", "customer_name", "ABU MARZOOK, Mousa Mohammed", "3754"],
    ["other case", "customer_name", "abu marzook mousa mohammed", "3754"],
    ["with diacritics", "customer_name", "Móusa Mohammed Abú Marzóok", "3754"],
    ["reordered", "customer_name", "Mousa Mohammed Abu Marzook", "3754"],
    ["middle name dropped", "customer_name", "Mousa Abu Marzook", "3754"],
    ["one typo", "customer_name", "Mousa Mohammed Abu Marzok", "3754"],
    ["transliterated", "customer_name", "Musa Muhammad Abu Marzuk", "3754"],
    ["an alias as merchant", "merchant_name", "Seastar III", "15076"],
  ];

  for (const [kind, field, name, entry] of variants) {
    it(`holds a transaction whose ${field} is a listed party ${kind} ("${name}")`, async () => {
      const id = pipeline.client.transactionId(`sanctions-${kind.replace(/\W+/g, "-")}`);
      const sent = await pipeline.client.postWebhook(transactionBody(id, { [field]: name }));
      expect(sent.status, sent.text).to.equal(202);
      const answer = await pipeline.client.waitForDecision(pipeline.client.key(id));
      expect(answer.body.status, answer.text).to.be.oneOf(["REJECTED", "REVIEW"]);
      const compliance = answer.body.decision?.compliance as ComplianceView | undefined;
      expect(compliance?.decision, answer.text).to.be.oneOf(["BLOCK", "REVIEW"]);
      expect(compliance?.screened_lists?.map((list) => [list.list, list.published_at])).to.deep.equal([
        ["OFAC-SDN", "2024-05-03"],
      ]);
      const [match] = compliance?.sanctions_matches ?? [];
      expect(match, answer.text).to.deep.include({
        field: field === "customer_name" ? "customerName" : "merchantName",
        list: "OFAC-SDN",
        entry_number: entry,
      });
      expect(match.score).to.be.within(0.91, 1);
      expect(answer.body.decision?.reasons.map((reason) => reason.code)).to.include("SANCTIONED_PARTY");
    });
  }

  it("approves an ordinary customer and merchant, still stamped with the screened list version", async () => {
    const id = pipeline.client.transactionId("sanctions-clear");
    await pipeline.client.postWebhook(
      transactionBody(id, { customer_name: "Ada Lovelace", merchant_name: "Corner Coffee" }),
    );
    const answer = await pipeline.client.waitForDecision(pipeline.client.key(id));
    expect(answer.body.status, answer.text).to.equal("APPROVED");
    const compliance = answer.body.decision?.compliance as ComplianceView | undefined;
    expect(compliance?.sanctions_matches).to.deep.equal([]);
    expect(compliance?.screening_index_version).to.equal("OFAC-SDN@2024-05-03#210ca6b4a818");
  });
});
