import { Box } from "ink";
import { hasRungColumn, searchLines } from "../search-view.js";
import type { DashboardSnapshot } from "../snapshot.js";
import { rowWindow, selectedTrial, type ViewState } from "../view-state.js";
import { Footer } from "./Footer.js";
import { Header } from "./Header.js";
import { Ranking } from "./Ranking.js";
import { TrialDetail } from "./TrialDetail.js";
import { Workers } from "./Workers.js";

export interface DashboardScreenProps {
  snapshot: DashboardSnapshot | null;
  /** The last load's error while disconnected; null when connected. */
  connectionError: string | null;
  view: ViewState;
  columns: number;
  rows: number;
}

const MAX_WORKER_ROWS = 4;
const CHART_HEIGHT = 8;

/** One frame of the dashboard: header, workers, ranking, the selected trial's detail, the keys. */
export function DashboardScreen({ snapshot, connectionError, view, columns, rows }: DashboardScreenProps) {
  const page = snapshot?.page ?? { sort: view.sort, filter: view.filter, offset: 0, total: 0, selectedIndex: 0 };
  const selected = selectedTrial(snapshot);
  const workers = snapshot?.workers ?? [];
  const search = searchLines(snapshot);

  const workerRows = Math.max(
    1,
    Math.min(workers.length, MAX_WORKER_ROWS) + (workers.length > MAX_WORKER_ROWS ? 1 : 0),
  );
  const detailRows = view.detailOpen && selected ? Math.max(CHART_HEIGHT + 3, selected.model.length + 2) + 3 : 0;
  const headerRows = 2 + (connectionError === null ? 0 : 1) + search.length;
  const fixedRows = headerRows + 1 + (1 + workerRows) + 1 + 1 + detailRows + 1;
  const window = rowWindow(page.total, page.selectedIndex, Math.max(3, rows - fixedRows));
  const drawn = (snapshot?.trials ?? []).slice(
    Math.max(0, window.start - page.offset),
    Math.max(0, window.end - page.offset),
  );

  return (
    <Box flexDirection="column" width={columns}>
      <Header
        snapshot={snapshot}
        connectionError={connectionError}
        barWidth={Math.min(30, Math.floor(columns / 6))}
        searchLines={search}
      />
      <Box marginTop={1}>
        <Workers workers={workers} now={snapshot?.takenAt ?? Date.now()} maxRows={MAX_WORKER_ROWS} />
      </Box>
      <Box marginTop={1}>
        <Ranking
          rows={drawn}
          selectedTrialId={selected?.id ?? null}
          columns={columns}
          rungColumn={hasRungColumn(snapshot)}
        />
      </Box>
      {view.detailOpen && selected ? (
        <TrialDetail trial={selected} columns={columns} chartHeight={CHART_HEIGHT} />
      ) : null}
      <Footer sort={page.sort} filter={page.filter} shown={page.total} total={snapshot?.tally.trials ?? 0} />
    </Box>
  );
}
