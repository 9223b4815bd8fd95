import type { Command } from "commander";
import { register as dashboard } from "./dashboard.js";
import { register as plot } from "./plot.js";

/** Every CLI command: one module each, registered in the order `--help` lists them. */
export const commands: Array<(program: Command) => void> = [dashboard, plot];
