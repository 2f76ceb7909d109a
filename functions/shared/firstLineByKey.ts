/**
 * The first line each key (a CSV file's transaction ids) appeared on, kept compactly: a file of a
 * million rows holds a million ids, and as strings in a Map they took a process about 113 MB more
 * memory per million (12-character ids). Here a key takes about 42 bytes, 48 MB per million, most
 * of it outside the JavaScript heap: its characters in byte chunks (one byte each), three 32-bit
 * numbers (hash, where its bytes are, line) and a slot of an open-addressing table kept at most
 * half full. A hash only finds the candidates; a repeat is confirmed by comparing every character,
 * so the answer is exact.
 *
 * Keys with a character beyond U+00FF or longer than 255 characters (never a valid transaction id:
 * printable ASCII, at most 128) go to a plain Map, so any key still works.
 */

/** Bytes per chunk of key characters; chunks are never copied, only added. */
const bytesPerChunk = 1 << 20;
/** Entries per chunk of entry records. */
const entriesPerChunk = 1 << 16;
/** Numbers per entry record: hash, byte offset, line. */
const entryWidth = 3;
const longestStoredKey = 255;
const initialSlots = 1 << 10;

/** FNV-1a over the key's UTF-16 code units. */
function hashOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index += 1) {
    hash = Math.imul(hash ^ key.charCodeAt(index), 0x01000193);
  }
  return hash >>> 0;
}

function storable(key: string): boolean {
  if (key.length > longestStoredKey) return false;
  for (let index = 0; index < key.length; index += 1) if (key.charCodeAt(index) > 0xff) return false;
  return true;
}

export class FirstLineByKey {
  private readonly byteChunks: Uint8Array[] = [];
  /** Bytes used in the last chunk. */
  private bytesInLastChunk = bytesPerChunk;
  private readonly entryChunks: Uint32Array[] = [];
  private entries = 0;
  /** Entry number + 1 per slot; 0 is an empty slot. */
  private slots = new Uint32Array(initialSlots);
  private readonly others = new Map<string, number>();

  /** Keys remembered so far. */
  get size(): number {
    return this.entries + this.others.size;
  }

  /**
   * The line `key` was first remembered with, or undefined when it is new, in which case it is
   * remembered with `line` (a whole number from 0 to 2^32 - 1).
   */
  firstLineOrRemember(key: string, line: number): number | undefined {
    if (!storable(key)) {
      const first = this.others.get(key);
      if (first === undefined) this.others.set(key, line);
      return first;
    }
    const hash = hashOf(key);
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const stored = this.slots[slot];
      if (stored === 0) {
        this.slots[slot] = this.add(key, hash, line) + 1;
        if (this.entries * 2 > this.slots.length) this.grow();
        return undefined;
      }
      const entry = stored - 1;
      const record = this.entryChunks[Math.floor(entry / entriesPerChunk)];
      const at = (entry % entriesPerChunk) * entryWidth;
      if (record[at] === hash && this.keyEquals(record[at + 1], key)) return record[at + 2];
    }
  }

  private add(key: string, hash: number, line: number): number {
    // One length byte, then one byte per character; a key never straddles two chunks.
    if (this.bytesInLastChunk + 1 + key.length > bytesPerChunk) {
      this.byteChunks.push(new Uint8Array(bytesPerChunk));
      this.bytesInLastChunk = 0;
    }
    const chunk = this.byteChunks[this.byteChunks.length - 1];
    const offset = (this.byteChunks.length - 1) * bytesPerChunk + this.bytesInLastChunk;
    chunk[this.bytesInLastChunk] = key.length;
    for (let index = 0; index < key.length; index += 1) {
      chunk[this.bytesInLastChunk + 1 + index] = key.charCodeAt(index);
    }
    this.bytesInLastChunk += 1 + key.length;

    const entry = this.entries;
    if (entry % entriesPerChunk === 0) this.entryChunks.push(new Uint32Array(entriesPerChunk * entryWidth));
    const record = this.entryChunks[this.entryChunks.length - 1];
    const at = (entry % entriesPerChunk) * entryWidth;
    record[at] = hash;
    record[at + 1] = offset;
    record[at + 2] = line;
    this.entries += 1;
    return entry;
  }

  private keyEquals(offset: number, key: string): boolean {
    const chunk = this.byteChunks[Math.floor(offset / bytesPerChunk)];
    const start = offset % bytesPerChunk;
    if (chunk[start] !== key.length) return false;
    for (let index = 0; index < key.length; index += 1) {
      if (chunk[start + 1 + index] !== key.charCodeAt(index)) return false;
    }
    return true;
  }

  /** Doubles the table; entries keep their hashes, so no key is read again. */
  private grow(): void {
    const slots = new Uint32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let entry = 0; entry < this.entries; entry += 1) {
      const hash =
        this.entryChunks[Math.floor(entry / entriesPerChunk)][(entry % entriesPerChunk) * entryWidth];
      let slot = hash & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = entry + 1;
    }
    this.slots = slots;
  }
}
