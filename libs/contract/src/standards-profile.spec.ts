import { BUILT_IN_CATALOGUE } from './metric-catalogue';
import { builtInCatalogueFor, isStandardsProfile } from './standards-profile';

describe('builtInCatalogueFor', () => {
  it('gives eu the shipped catalogue, and cn a 220 V band with the plausible range unchanged', () => {
    expect(builtInCatalogueFor('eu')).toEqual(BUILT_IN_CATALOGUE);
    expect(builtInCatalogueFor('cn').power.voltage_v).toMatchObject({ range: [0, 1000], typical: [213, 227] });
    expect(builtInCatalogueFor('cn').water).toBe(BUILT_IN_CATALOGUE.water);
    expect(BUILT_IN_CATALOGUE.power.voltage_v.typical).toEqual([225, 240]);
  });
});

describe('isStandardsProfile', () => {
  it('knows cn and eu only', () => {
    expect(['cn', 'eu', 'gb', 'CN', undefined].map(isStandardsProfile)).toEqual([true, true, false, false, false]);
  });
});
