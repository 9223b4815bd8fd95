/**
 * One statement and its parameters, as the `sql` tag builds it: `text` holds `$1`, `$2`,
 * … where the template had values. Only this tag makes one, so a statement's values
 * never reach its text.
 */
export class SqlStatement {
  constructor(
    readonly text: string,
    readonly values: readonly unknown[],
  ) {}
}

/**
 * The tag every statement of the store is written with: each `${value}` becomes a
 * parameter, except a nested `sql` statement, whose text is spliced in (its parameters
 * renumbered after the ones before it):
 *
 *     sql`SELECT id FROM trials WHERE sweep_id = ${sweepId}`
 *
 * A value for a `::jsonb` parameter is given as it is (an object, an array of rows):
 * both drivers serialise it as JSON; a string there would be stored as a JSON string.
 */
export function sql(strings: TemplateStringsArray, ...values: unknown[]): SqlStatement {
  let text = strings[0] ?? "";
  const params: unknown[] = [];
  values.forEach((value, index) => {
    if (value instanceof SqlStatement) {
      const offset = params.length;
      text += value.text.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
      params.push(...value.values);
    } else {
      params.push(value);
      text += `$${params.length}`;
    }
    text += strings[index + 1] ?? "";
  });
  return new SqlStatement(text, params);
}
