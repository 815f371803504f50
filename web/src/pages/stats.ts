import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { get, query } from "../api";
import { h, table } from "../dom";

const series = ["sent", "delivered", "opened", "clicked", "bounced", "complained"] as const;
const colours = ["#1f5fbf", "#1b7f3b", "#7a4cc2", "#b35c00", "#c0392b", "#6b6b6b"];
type Counts = Record<(typeof series)[number] | "failed", number>;

/**
 * Daily counts for the last 14 days, one GET /api/stats per day (the API answers a window's funnel), drawn
 * with uPlot (canvas: no inline styles or scripts, so it runs under the CSP) and listed in a table too.
 */
export async function statsPage(main: HTMLElement) {
  const days = 14;
  const today = new Date();
  today.setHours(0, 0, 0, 0);
  const starts = Array.from({ length: days }, (_, i) => new Date(today.getTime() - (days - 1 - i) * 86_400_000));
  const counts = await Promise.all(
    starts.map((start) =>
      get<{ counts: Counts }>(`stats${query({ since: start.toISOString(), until: new Date(start.getTime() + 86_400_000).toISOString() })}`).then((r) => r.counts),
    ),
  );
  const totals = series.map((name) => counts.reduce((sum, c) => sum + c[name], 0));
  const chart = h("div", { class: "chart", role: "img", "aria-label": `Emails per day over the last ${days} days: ${series.map((s, i) => `${totals[i]} ${s}`).join(", ")}` });
  main.append(
    h("h1", {}, "Stats"),
    h("ul", { class: "totals" }, series.map((name, i) => h("li", {}, h("strong", {}, String(totals[i])), ` ${name}`))),
    chart,
    table(
      ["Day", ...series],
      starts.map((start, i) => [start.toLocaleDateString(), ...series.map((name) => counts[i][name])]),
      "Daily counts",
    ),
  );
  const width = Math.max(320, Math.min(960, main.clientWidth || 800));
  new uPlot(
    {
      width,
      height: 300,
      scales: { x: { time: true } },
      axes: [{}, { label: "emails" }],
      series: [{}, ...series.map((label, i) => ({ label, stroke: colours[i], width: 2 }))],
    },
    [starts.map((d) => d.getTime() / 1000), ...series.map((name) => counts.map((c) => c[name]))],
    chart,
  );
}
