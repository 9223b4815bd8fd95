/**
 * How a model's figures print everywhere (`sweep models`, `sweep plan`, the model
 * diagrams, the dashboard's layer table): shapes and counts as Keras prints them.
 */

/** `(None, 26, 26, 32)`: a Keras shape with its batch axis. */
export function kerasShape(shape: readonly number[]): string {
  return `(None, ${shape.join(", ")})`;
}

/** `1199882` → `1,199,882`. */
export function formatCount(value: number): string {
  return value.toLocaleString("en-US");
}
