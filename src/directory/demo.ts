/**
 * The demo organisations (examples/demo-aimag.yaml): an aimag governor's office built from
 * the seed documents and a soum governor's office beside it. Loading is an ordinary
 * directory import, so loading twice changes nothing.
 */
import path from "node:path";
import { PROJECT_ROOT } from "../db/schema-engine.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { type ImportResult, importDirectoryFile } from "./import.js";

export const DEMO_FILE = path.join(PROJECT_ROOT, "examples/demo-aimag.yaml");
export const DEMO_ORG_SLUGS = ["demo-aimag", "demo-soum"] as const;

export function loadDemo(prisma: PrismaClient): Promise<ImportResult> {
  return importDirectoryFile(prisma, DEMO_FILE);
}
