/**
 * Reads the `{file_id}` path parameter. File ids are the UUIDs csv-intake hands out; anything that
 * could not be one (the shape the uploads bucket's keys allow) is refused before the table is
 * read. Pure; never echoes the value, which may be anything, a card number included.
 */
import type { WireError } from "../shared/httpResponses";

/** The file ids fileIdOfKey accepts (shared/fileStatus.ts). */
const fileIdPattern = /^[A-Za-z0-9-]{8,64}$/;

export type FileIdParameter =
  { readonly valid: true; readonly fileId: string } | { readonly valid: false; readonly error: WireError };

export function parseFileIdParameter(raw: string | null | undefined): FileIdParameter {
  if (raw === undefined || raw === null || raw.length === 0) {
    return {
      valid: false,
      error: {
        code: "INVALID_FILE_ID",
        message: "file_id is required in the path: /files/{file_id}",
        field: "file_id",
      },
    };
  }
  if (!fileIdPattern.test(raw)) {
    return {
      valid: false,
      error: {
        code: "INVALID_FILE_ID",
        message: "file_id must be 8-64 letters, digits or '-' (the file_id an upload answered)",
        field: "file_id",
      },
    };
  }
  return { valid: true, fileId: raw };
}
