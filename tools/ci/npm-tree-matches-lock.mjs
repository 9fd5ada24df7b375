// Exits 0 when node_modules holds exactly the packages that package-lock.json pins, 1 otherwise.
// It compares the lock with the hidden lockfile that npm 7 and later write into node_modules on
// every install (node_modules/.package-lock.json), so it needs no network and reads no package.
// A package in the lock may be absent only when the lock marks it optional, as it does for the
// binaries of other platforms. Usage: node tools/ci/npm-tree-matches-lock.mjs [PROJECT_DIR]
import { readFileSync } from "node:fs";
import { join } from "node:path";

function readPackages(path) {
  try {
    return JSON.parse(readFileSync(path, "utf8")).packages ?? {};
  } catch (error) {
    console.error(`cannot read ${path}: ${error.message}`);
    return null;
  }
}

function findDifferences(locked, installed) {
  const differences = [];

  for (const [path, entry] of Object.entries(locked)) {
    if (path === "" || entry.link) continue;
    const present = installed[path];
    if (!present) {
      if (!entry.optional) differences.push(`${path} is missing`);
    } else if (present.version !== entry.version || present.integrity !== entry.integrity) {
      differences.push(`${path} is ${present.version}, the lock pins ${entry.version}`);
    }
  }

  for (const path of Object.keys(installed)) {
    if (!(path in locked)) differences.push(`${path} is installed but not in the lock`);
  }
  return differences;
}

const projectDir = process.argv[2] ?? ".";
const locked = readPackages(join(projectDir, "package-lock.json"));
const installed = readPackages(join(projectDir, "node_modules", ".package-lock.json"));
if (!locked || !installed) process.exit(1);

const differences = findDifferences(locked, installed);
for (const line of differences.slice(0, 5)) console.error(line);
process.exit(differences.length === 0 ? 0 : 1);
