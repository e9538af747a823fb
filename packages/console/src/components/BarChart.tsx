import { Paper, Text, VisuallyHidden } from '@mantine/core';

export interface Bar {
  label: string;
  value: number;
}

const BAR_HEIGHT = 22;
const LABEL_WIDTH = 140;

/** Horizontal bars in plain SVG (no chart library: it would outweigh the rest of the console). */
export function BarChart({ title, bars, format = String }: { title: string; bars: Bar[]; format?: (value: number) => string }) {
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  const width = 520;
  return (
    <Paper withBorder p="sm" component="figure" m={0}>
      <Text component="figcaption" fw={600} mb="xs">
        {title}
      </Text>
      {bars.length === 0 ? (
        <Text c="dimmed" size="sm">
          No data in this period.
        </Text>
      ) : (
        <>
          <svg width="100%" viewBox={`0 0 ${width} ${bars.length * BAR_HEIGHT}`} aria-hidden="true">
            {bars.map((bar, i) => {
              const length = ((width - LABEL_WIDTH - 90) * bar.value) / max;
              const y = i * BAR_HEIGHT;
              return (
                <g key={bar.label}>
                  <text x={0} y={y + 15} fontSize={12}>
                    {bar.label.length > 20 ? `${bar.label.slice(0, 19)}…` : bar.label}
                  </text>
                  <rect x={LABEL_WIDTH} y={y + 4} width={Math.max(length, 1)} height={BAR_HEIGHT - 8} fill="var(--mantine-color-blue-6)" rx={2} />
                  <text x={LABEL_WIDTH + length + 6} y={y + 15} fontSize={12}>
                    {format(bar.value)}
                  </text>
                </g>
              );
            })}
          </svg>
          <VisuallyHidden>
            <table>
              <caption>{title}</caption>
              <tbody>
                {bars.map((bar) => (
                  <tr key={bar.label}>
                    <th scope="row">{bar.label}</th>
                    <td>{format(bar.value)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </VisuallyHidden>
        </>
      )}
    </Paper>
  );
}
