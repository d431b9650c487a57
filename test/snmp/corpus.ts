// Where Zeek's corpus is for the SNMP tests: ../shared beside the repository (CI, the main
// checkout), or beside the folder of worktrees when the repository is one of them.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const beside = join(root, "..", "shared", "corpus", "zeek");

export const CORPUS = [beside, join(root, "..", "..", "shared", "corpus", "zeek")].find((p) => existsSync(p)) ?? beside;
