/** A device profile as GET /api/device-profiles shows it. */
export interface DeviceProfileView {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly domain: string;
  /** `{ kind: 'mapping', metrics, timestamp?, seq? }` or `{ kind: 'script', source, payload?, mapping? }` (docs/decoders.md). */
  readonly decoder: { readonly kind: 'mapping' | 'script' } & Readonly<Record<string, unknown>>;
  readonly networkServerObject: boolean;
  readonly samples: readonly { readonly name: string; readonly payload: string; readonly encoding: 'text' | 'hex' | 'base64'; readonly fPort?: number }[];
  readonly version: number;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly updatedAt: number;
  readonly updatedBy: string;
  /** How many registered devices use it. */
  readonly devices: number;
  /** Since the service started: messages decoded and refused, and the mean cost of one decode in µs. */
  readonly decoderStats: { readonly decoded: number; readonly refused: number; readonly meanMicros: number | null };
}

/** POST /api/device-profiles/{id}/test: what a payload would become, nothing stored. */
export interface ProfileTryResult {
  readonly refused: { readonly reason: string; readonly detail: string } | null;
  readonly warnings: readonly string[];
  readonly decoded: readonly { readonly ts?: number; readonly seq?: number; readonly metrics: Readonly<Record<string, number>> }[];
  readonly accepted: readonly { readonly ts: number; readonly seq?: number; readonly metrics: Readonly<Record<string, number>> }[];
  readonly rejections: readonly { readonly reason: string; readonly detail: string; readonly index?: number }[];
}
