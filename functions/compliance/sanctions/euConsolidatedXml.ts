/**
 * The EU's consolidated financial sanctions list ("Financial Sanctions Files", the full XML export
 * in namespace http://eu.europa.ec/fpi/fsd/export): `<export generationDate=…>` holding one
 * `<sanctionEntity logicalId=… euReferenceNumber=…>` per listed party, each with a
 * `<subjectType code="person|enterprise">`, its `<regulation programme=…>`s and its
 * `<nameAlias wholeName=… strong=…>` spellings. A document that is not well-formed (a cut
 * download) or lacks these is refused.
 */
import { createHash } from "crypto";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import {
  SanctionsListFormatError,
  type SanctionedParty,
  type SanctionedPartyType,
  type SanctionsList,
} from "./sanctionsList";

export const euConsolidatedListName = "EU-FSF";

type XmlNode = Readonly<Record<string, unknown>>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  removeNSPrefix: true,
  parseAttributeValue: false,
  parseTagValue: false,
  isArray: (name) => ["sanctionEntity", "nameAlias", "regulation"].includes(name),
});

const typeBySubject: Readonly<Record<string, SanctionedPartyType>> = {
  person: "individual",
  enterprise: "entity",
};

function refuse(problem: string): never {
  throw new SanctionsListFormatError(euConsolidatedListName, problem);
}

function isNode(value: unknown): value is XmlNode {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function nodes(value: unknown): XmlNode[] {
  return Array.isArray(value) ? value.filter(isNode) : [];
}

function attribute(node: XmlNode, name: string): string | undefined {
  const value = node[`@${name}`];
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

function partyOf(entity: XmlNode, position: number): SanctionedParty {
  const logicalId = attribute(entity, "logicalId");
  if (logicalId === undefined) refuse(`sanctionEntity ${position} has no logicalId`);
  const subject = isNode(entity.subjectType) ? attribute(entity.subjectType, "code") : undefined;
  const type = subject === undefined ? undefined : typeBySubject[subject];
  if (type === undefined) refuse(`sanctionEntity ${logicalId} has subjectType "${subject ?? ""}"`);
  const aliases = nodes(entity.nameAlias);
  // A strong spelling first: weak aliases (nicknames, "low quality") still screen, never as the name.
  const ordered = [
    ...aliases.filter((alias) => attribute(alias, "strong") === "true"),
    ...aliases.filter((alias) => attribute(alias, "strong") !== "true"),
  ];
  const names = [...new Set(ordered.flatMap((alias) => attribute(alias, "wholeName") ?? []))];
  if (names.length === 0) refuse(`sanctionEntity ${logicalId} has no nameAlias with a wholeName`);
  const programs = [
    ...new Set(nodes(entity.regulation).flatMap((regulation) => attribute(regulation, "programme") ?? [])),
  ];
  return {
    entryNumber: attribute(entity, "euReferenceNumber") ?? logicalId,
    name: names[0],
    type,
    programs,
    aliases: names.slice(1),
  };
}

export function parseEuConsolidatedXml(bytes: Buffer): SanctionsList {
  const contentHash = createHash("sha256").update(bytes).digest("hex");
  const text = bytes.toString("utf8");
  const validation = XMLValidator.validate(text);
  if (validation !== true) {
    refuse(
      `not well-formed XML (line ${validation.err.line}: ${validation.err.msg}): cut short or not the list`,
    );
  }
  const document: unknown = parser.parse(text);
  const root = isNode(document) ? document.export : undefined;
  if (!isNode(root)) refuse("no <export> root element");
  const generationDate = attribute(root, "generationDate");
  if (generationDate === undefined || Number.isNaN(Date.parse(generationDate))) {
    refuse(`generationDate "${generationDate ?? ""}" is not a date`);
  }
  const entries = nodes(root.sanctionEntity).map((entity, index) => partyOf(entity, index + 1));
  const numbers = new Set(entries.map((entry) => entry.entryNumber));
  if (numbers.size !== entries.length) refuse("an entry number appears twice");
  return {
    version: {
      list: euConsolidatedListName,
      publishedAt: new Date(generationDate).toISOString().slice(0, 10),
      entryCount: entries.length,
      contentHash,
    },
    entries,
  };
}
