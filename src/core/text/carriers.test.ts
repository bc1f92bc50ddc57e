import { describe, expect, it } from 'vitest';
import { CARRIER_RULES, DOMESTIC_SMS_MAX_CHARACTERS, carrierUnits } from './carriers.js';

describe('carrier billing units', () => {
  // The carriers' common consumer tariff of 2019-09-10: each row is the last character count of a unit.
  it.each([
    [70, 1],
    [71, 2],
    [134, 2],
    [135, 3],
    [201, 3],
    [202, 4],
    [268, 4],
    [269, 5],
    [335, 5],
    [336, 6],
    [402, 6],
    [403, 7],
    [469, 7],
    [470, 8],
    [536, 8],
    [537, 9],
    [603, 9],
    [604, 10],
    [660, 10],
  ] as const)('au and Rakuten bill %i characters as %i units, per 67', (characters, units) => {
    expect(carrierUnits(characters, CARRIER_RULES.au)).toBe(units);
    expect(carrierUnits(characters, CARRIER_RULES.rakuten)).toBe(units);
  });

  it.each([
    [70, 1],
    [71, 2],
    [136, 2],
    [137, 3],
    [202, 3],
    [203, 4],
    [598, 9],
    [599, 10],
    [660, 10],
  ] as const)('docomo bills %i characters as %i units: 70, then per 66 beyond', (characters, units) => {
    expect(carrierUnits(characters, CARRIER_RULES.docomo)).toBe(units);
  });

  it.each([
    [1, 1],
    [670, 1],
    [671, 2],
  ] as const)('SoftBank bills %i characters as %i units: up to 670 as one', (characters, units) => {
    expect(carrierUnits(characters, CARRIER_RULES.softbank)).toBe(units);
  });

  it('sends nothing and bills nothing for an empty text', () => {
    expect(carrierUnits(0, CARRIER_RULES.docomo)).toBe(0);
  });

  it('takes the strictest carrier limit, 660, as the domestic limit', () => {
    expect(DOMESTIC_SMS_MAX_CHARACTERS).toBe(660);
    expect(CARRIER_RULES.softbank.maxCharacters).toBe(670);
  });
});
