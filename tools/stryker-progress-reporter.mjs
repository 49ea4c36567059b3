// A Stryker reporter that appends every tested mutant to reports/mutation/stryker-progress.jsonl as
// soon as it is known, so a run stopped by `make mutate`'s time bound still leaves its results
// (Stryker's own JSON report is written only at the end). scripts/mutation_report.py reads both.
import { appendFileSync, mkdirSync, rmSync } from "node:fs";
import { dirname, relative } from "node:path";
import { PluginKind, declareClassPlugin } from "@stryker-mutator/api/plugin";

const FILE = process.env.LINKGUARD_STRYKER_PROGRESS || "reports/mutation/stryker-progress.jsonl";

class ProgressReporter {
  constructor() {
    mkdirSync(dirname(FILE), { recursive: true });
    rmSync(FILE, { force: true }); // one run's results, not the union of every run
  }

  onMutantTested(result) {
    const row = {
      id: result.id,
      file: relative(process.cwd(), result.fileName),
      line: result.location.start.line,
      column: result.location.start.column,
      mutator: result.mutatorName,
      replacement: result.replacement,
      status: result.status,
    };
    appendFileSync(FILE, `${JSON.stringify(row)}\n`);
  }
}

export const strykerPlugins = [declareClassPlugin(PluginKind.Reporter, "progress-file", ProgressReporter)];
