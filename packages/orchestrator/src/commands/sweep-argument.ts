import { checkSweepRef } from "@sweep/store";
import { Argument } from "commander";

const REF_HELP = "sweep id, unique id prefix, or name";

/**
 * The `<sweep>` argument of every command that takes one (`[sweep]` when `optional`,
 * `defaultHelp` saying what its absence means). An empty or blank value is refused
 * before anything opens (exit 2): it would match every sweep id by prefix.
 */
export function sweepArgument(optional?: { defaultHelp: string }): Argument {
  const argument = optional
    ? new Argument("[sweep]", `${REF_HELP} (default: ${optional.defaultHelp})`)
    : new Argument("<sweep>", REF_HELP);
  return argument.argParser((value: string) => checkSweepRef(value));
}
