import type { Command } from "commander";

/** Every CLI command: one module each, registered in the order `--help` lists them. */
export const commands: Array<(program: Command) => void> = [];
