import { useEffect, useState } from 'preact/hooks';
import { hubApi } from './hub-api';
import type { Catalogue, CatalogueMetric } from '@hub/api-types';

/**
 * The metric catalogue from the hub (units, descriptions, typical bands, reject reasons): fetched once per page load
 * and shared, so labels always match the contract the hub enforces; fetched again after an admin changes it here.
 */
let pending: Promise<Catalogue> | undefined;
let loaded: Catalogue | undefined;

function loadCatalogue(): Promise<Catalogue> {
  pending ??= hubApi.catalogue().then(
    (catalogue) => (loaded = catalogue),
    (error: unknown) => {
      pending = undefined; // let the next caller try again
      throw error;
    },
  );
  return pending;
}

/** After an admin changed the catalogue: the next page that asks loads it again. */
export function forgetCatalogue(): void {
  pending = undefined;
  loaded = undefined;
}

export function useCatalogue(): { catalogue: Catalogue | undefined; error: Error | undefined } {
  const [state, setState] = useState<{ catalogue?: Catalogue; error?: Error }>({ catalogue: loaded });
  useEffect(() => {
    if (loaded) return;
    let live = true;
    loadCatalogue().then(
      (catalogue) => live && setState({ catalogue }),
      (error: unknown) => live && setState({ error: error instanceof Error ? error : new Error(String(error)) }),
    );
    return () => void (live = false);
  }, []);
  return { catalogue: state.catalogue, error: state.error };
}

export function metricOf(catalogue: Catalogue | undefined, domain: string, metric: string): CatalogueMetric | undefined {
  return catalogue?.domains.find((entry) => entry.domain === domain)?.metrics.find((entry) => entry.name === metric);
}

export function domainsOf(catalogue: Catalogue | undefined): string[] {
  return catalogue?.domains.map((entry) => entry.domain) ?? [];
}
