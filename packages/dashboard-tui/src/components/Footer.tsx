import { Text } from "ink";
import type { SortMetric, StatusFilter } from "../snapshot.js";

export interface FooterProps {
  /** The order and filter of the rows on screen. */
  sort: SortMetric;
  filter: StatusFilter;
  /** Trials matching the filter. */
  shown: number;
  total: number;
}

/** The keys, and the current sort and filter. */
export function Footer({ sort, filter, shown, total }: FooterProps) {
  return (
    <Text wrap="truncate-end">
      <Text dimColor>↑/↓ select enter detail s sort f filter q quit</Text>
      {"   sort: "}
      <Text bold>{sort}</Text>
      {"   filter: "}
      <Text bold>{filter}</Text>
      {`   ${shown}/${total} trials`}
    </Text>
  );
}
