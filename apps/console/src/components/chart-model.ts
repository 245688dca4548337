/** What a chart draws besides its line: rule trigger levels and periods an alert was open. */
export interface ChartThreshold {
  readonly value: number;
  readonly label: string;
  readonly severity: 'info' | 'warning' | 'critical';
}

export interface ChartSpan {
  readonly from: number;
  readonly to: number | null;
  readonly severity: 'info' | 'warning' | 'critical';
}
