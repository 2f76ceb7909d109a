/**
 * New file ids. About one random UUID in 2,300 holds a run of digits across its dashes that passes
 * for a card number (13–19 digits, Luhn, an issuer's prefix): that id would be masked in the answer
 * handing it out and refused as a card number in `GET /files/{file_id}`, so the file could never be
 * looked up. Such an id is drawn again.
 */
import { randomUUID } from "node:crypto";
import { containsPan } from "../shared/pan";

/** Draws before giving up; a random generator needs a second draw once in 2,300 ids. */
const maxDraws = 20;

/** An id from `generate` that no card-number scan can mistake for one. */
export function cardFreeFileId(generate: () => string = randomUUID): string {
  for (let draw = 1; draw <= maxDraws; draw += 1) {
    const id = generate();
    if (!containsPan(id)) return id;
  }
  throw new Error(`No file id free of card-number look-alikes in ${maxDraws} draws`);
}
