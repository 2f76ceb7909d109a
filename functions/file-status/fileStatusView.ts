/**
 * Renders a processing-status item (shared/fileStatus.ts) as the `GET /files/{file_id}` answer:
 * snake_case, absent fields omitted (never null). Pure.
 *
 * The item is read defensively, since several functions write it: a field of the wrong type is
 * left out rather than failing the whole answer. Row messages never repeat a card number when they
 * are written; this is where they leave towards a client, so they are masked again anyway.
 */
import { redactPanText } from "../shared/pan";

export interface WireFileRowError {
  readonly line: number;
  readonly code: string;
  readonly message: string;
}

export interface WireRejection {
  readonly code: string;
  readonly message: string;
}

export interface FileStatusView {
  readonly file_id: string;
  /** RECEIVED | VALIDATED | REJECTED | LOADING | LOADED | COMPLETED. */
  readonly status: string;
  readonly received_at?: string;
  readonly updated_at?: string;
  readonly rows?: number;
  readonly valid_rows?: number;
  readonly invalid_rows?: number;
  readonly error_count?: number;
  readonly errors?: readonly WireFileRowError[];
  readonly published_rows?: number;
  readonly already_received_rows?: number;
  /** Valid rows whose transaction id was received before with other content (row errors CONFLICT). */
  readonly conflict_rows?: number;
  /** Rows with an outcome: decided (approved + review + rejected) or dead-lettered. */
  readonly decided_rows?: number;
  readonly approved?: number;
  readonly review?: number;
  readonly rejected?: number;
  /** Rows the reconciler gave up on and sent to the dead-letter queue with the reason. */
  readonly dead_lettered_rows?: number;
  readonly completed_at?: string;
  readonly rejection?: WireRejection;
}

type Item = Readonly<Record<string, unknown>>;

function isRecord(value: unknown): value is Item {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

function optional<Key extends string, Value>(key: Key, value: Value | undefined): { [K in Key]?: Value } {
  return (value === undefined ? {} : { [key]: value }) as { [K in Key]?: Value };
}

function rowErrors(value: unknown): WireFileRowError[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const errors: WireFileRowError[] = [];
  for (const entry of value) {
    if (!isRecord(entry)) continue;
    const line = count(entry.line);
    const code = text(entry.code);
    const message = text(entry.message);
    if (line === undefined || code === undefined || message === undefined) continue;
    errors.push({ line, code, message: redactPanText(message) });
  }
  return errors;
}

function rejection(value: unknown): WireRejection | undefined {
  if (!isRecord(value)) return undefined;
  const code = text(value.code);
  const message = text(value.message);
  return code === undefined || message === undefined ? undefined : { code, message: redactPanText(message) };
}

export function renderFileStatus(fileId: string, item: Item): FileStatusView {
  return {
    file_id: fileId,
    status: text(item.status) ?? "RECEIVED",
    ...optional("received_at", text(item.receivedAt)),
    ...optional("updated_at", text(item.updatedAt)),
    ...optional("rows", count(item.rows)),
    ...optional("valid_rows", count(item.validRows)),
    ...optional("invalid_rows", count(item.invalidRows)),
    ...optional("error_count", count(item.errorCount)),
    ...optional("errors", rowErrors(item.errors)),
    ...optional("published_rows", count(item.publishedRows)),
    ...optional("already_received_rows", count(item.alreadyReceivedRows)),
    ...optional("conflict_rows", count(item.conflictRows)),
    ...optional("decided_rows", count(item.decidedRows)),
    ...optional("approved", count(item.approved)),
    ...optional("review", count(item.review)),
    ...optional("rejected", count(item.rejected)),
    ...optional("dead_lettered_rows", count(item.deadLetteredRows)),
    ...optional("completed_at", text(item.completedAt)),
    ...optional("rejection", rejection(item.rejection)),
  };
}
