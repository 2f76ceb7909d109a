/**
 * Zod for the functions: its tree-shakable API (`zod/mini`, functions in place of methods, so a
 * bundle keeps only the schema kinds and checks it uses; the classic `z` namespace took 190 KiB of
 * every bundle) with the English messages the classic API configures for itself. Import it as
 * `import * as z from "../shared/zod"`.
 */
import { config } from "zod/mini";
import en from "zod/v4/locales/en.js";

config(en());

export * from "zod/mini";
