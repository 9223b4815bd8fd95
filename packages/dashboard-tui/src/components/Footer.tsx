import { Text } from "ink";
import type { ViewState } from "../view-state.js";

export interface FooterProps {
  view: ViewState;
  shown: number;
  total: number;
}

/** The keys, and the current sort and filter. */
export function Footer({ view, shown, total }: FooterProps) {
  return (
    <Text wrap="truncate-end">
      <Text dimColor>↑/↓ select enter detail s sort f filter q quit</Text>
      {"   sort: "}
      <Text bold>{view.sort}</Text>
      {"   filter: "}
      <Text bold>{view.filter}</Text>
      {`   ${shown}/${total} trials`}
    </Text>
  );
}
