export class SimulationOptionsError extends Error {
  constructor(
    readonly option: string,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    super(`Invalid simulator option ${option}=${JSON.stringify(value)}: ${allowed}`);
    this.name = 'SimulationOptionsError';
  }
}
