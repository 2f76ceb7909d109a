/** The daily audit archive: bucket, archived-transactions table, the archival function and its schedule. */
export { Archival, type ArchivalArgs } from "./archival";
