import type { Command } from "commander";
import { register as cancel } from "./cancel.js";
import { register as dashboard } from "./dashboard.js";
import { register as db } from "./db.js";
import { register as exportModel } from "./export.js";
import { register as launch } from "./launch.js";
import { register as ls } from "./ls.js";
import { register as models } from "./models.js";
import { register as plan } from "./plan.js";
import { register as plot } from "./plot.js";
import { register as predict } from "./predict.js";
import { register as report } from "./report.js";
import { register as results } from "./results.js";
import { register as resume } from "./resume.js";
import { register as retry } from "./retry.js";
import { register as run } from "./run.js";
import { register as schema } from "./schema.js";
import { register as serve } from "./serve.js";
import { register as sql } from "./sql.js";
import { register as status } from "./status.js";
import { register as worker } from "./worker.js";

/** Every CLI command: one module each, registered in the order `--help` lists them. */
export const commands: Array<(program: Command) => void> = [
  run,
  plan,
  models,
  schema,
  launch,
  worker,
  serve,
  cancel,
  retry,
  resume,
  ls,
  status,
  results,
  dashboard,
  plot,
  report,
  exportModel,
  predict,
  sql,
  db,
];
