/** Chart.js, registered with only the parts the charts use (bars, lines, two scales, tooltip, legend). */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from "chart.js";
import { useEffect, useRef } from "preact/hooks";

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  Legend,
);

/** Series colours that read on light and dark themes alike; the first follows Telegram's button colour. */
const PALETTE = ["#2481cc", "#e67e22", "#27ae60", "#8e44ad", "#c0392b", "#16a085", "#7f8c8d", "#d4ac0d"];

function themeColour(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

export const seriesColour = (i: number, first = themeColour("--tg-theme-button-color", PALETTE[0]!)) =>
  i === 0 ? first : PALETTE[i % PALETTE.length]!;

export interface Series {
  label: string;
  data: number[];
}

export interface ChartSpec {
  kind: "bar" | "line";
  labels: string[];
  series: Series[];
  /** Bars across (long names such as steps read better on a phone). */
  horizontal?: boolean;
  stacked?: boolean;
  /** Values are shares in per cent (the axis stops at 100). */
  percent?: boolean;
}

/** A long name cut to `n` characters (the tooltip shows it whole). */
export const short = (s: string, n = 26) => (s.length > n ? `${s.slice(0, n - 1).trimEnd()}…` : s);

/** A name on up to two lines of about `width` characters, broken between words, for a phone's narrow axis. */
export function wrapLabel(s: string, width = 20): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of s.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  if (lines.length <= 2) return lines.map((l) => short(l, width + 4));
  return [short(lines[0]!, width + 4), short(lines.slice(1).join(" "), width)];
}

function config(spec: ChartSpec): ChartConfiguration {
  const text = themeColour("--tg-theme-text-color", "#1f2328");
  const hint = themeColour("--tg-theme-hint-color", "#707579");
  const grid = `${hint}33`;
  const valueAxis = {
    beginAtZero: true,
    stacked: spec.stacked,
    max: spec.percent ? 100 : undefined,
    ticks: { color: hint, precision: 0 },
    grid: { color: grid },
  };
  const nameAxis = {
    stacked: spec.stacked,
    ticks: {
      color: text,
      font: { size: 12 },
      autoSkip: !spec.horizontal,
      callback(this: { getLabelForValue(v: number): string }, value: number | string) {
        const name = this.getLabelForValue(Number(value));
        return spec.horizontal ? wrapLabel(name) : short(name, 14);
      },
    },
    grid: { display: false },
  };
  return {
    type: spec.kind,
    data: {
      labels: spec.labels,
      datasets: spec.series.map((s, i) => ({
        label: s.label,
        data: s.data,
        backgroundColor: seriesColour(i),
        borderColor: seriesColour(i),
        borderWidth: spec.kind === "line" ? 2 : 0,
        maxBarThickness: 28,
        // A 0 (a step done the day it opened) still shows as a sliver; a missing value (null) shows nothing.
        minBarLength: 3,
        tension: 0,
      })),
    },
    options: {
      indexAxis: spec.horizontal ? "y" : "x",
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: spec.horizontal ? { x: valueAxis, y: nameAxis } : { x: nameAxis, y: valueAxis },
      plugins: {
        legend: {
          display: spec.series.length > 1,
          position: "bottom",
          labels: {
            color: text,
            boxWidth: 12,
            font: { size: 12 },
            // Long names (a case state, an institution) cut so that a legend item fits a phone's width.
            generateLabels: (chart: Chart) =>
              Chart.defaults.plugins.legend.labels
                .generateLabels(chart)
                .map((item) => ({ ...item, text: short(item.text, 34) })),
          },
        },
        tooltip: { enabled: true },
      },
    },
  } as ChartConfiguration;
}

/** Height that gives each bar of a horizontal chart room for its name. */
function heightOf(spec: ChartSpec): number {
  const legend = spec.series.length > 1 ? 24 * Math.ceil(spec.series.length / 2) : 0;
  if (!spec.horizontal) return 220 + legend;
  // Two lines of a name need about 34 px; a pair of bars (median and p90) about as much.
  const rows = spec.labels.length * (spec.stacked ? 1 : Math.min(spec.series.length, 2));
  return Math.max(140, 44 + rows * 34 + legend);
}

export function ChartView(props: { spec: ChartSpec; title: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const json = JSON.stringify(props.spec);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, config(props.spec));
    return () => chart.destroy();
  }, [json]);
  return (
    <div class="chart" style={{ height: `${heightOf(props.spec)}px` }}>
      <canvas ref={canvas} role="img" aria-label={props.title} />
    </div>
  );
}
