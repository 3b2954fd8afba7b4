/**
 * ISO 4217 currencies and their minor units. Intl knows which codes exist, but its digits come
 * from CLDR, which rounds some currencies for display (IQD, RSD, ... shown without decimals),
 * so the exponent comes from the ISO 4217 list below; every code not in it has 2.
 */
export type CurrencyCode = string & { readonly __brand: 'CurrencyCode' };

/** ISO 4217 (list one, 2024) currencies whose minor unit is not 2. */
const ISO_MINOR_UNITS: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0,
  UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

/** Funds, metals and test codes: ISO 4217 gives them no minor unit, so they cannot be billed. */
const NOT_BILLABLE = new Set(['XAG', 'XAU', 'XBA', 'XBB', 'XBC', 'XBD', 'XDR', 'XPD', 'XPT', 'XSU', 'XTS', 'XUA', 'XXX']);

let known: ReadonlySet<string> | null = null;

function knownCurrencies(): ReadonlySet<string> {
  known ??= new Set(Intl.supportedValuesOf('currency'));
  return known;
}

export class UnknownCurrencyError extends Error {
  constructor(readonly code: string) {
    super(`unknown or unbillable ISO 4217 currency code: ${JSON.stringify(code)}`);
    this.name = 'UnknownCurrencyError';
  }
}

export function isCurrencyCode(code: unknown): code is CurrencyCode {
  return typeof code === 'string' && /^[A-Z]{3}$/.test(code) && !NOT_BILLABLE.has(code) && knownCurrencies().has(code);
}

export function currencyCode(code: string): CurrencyCode {
  if (!isCurrencyCode(code)) throw new UnknownCurrencyError(code);
  return code;
}

/** Number of minor-unit digits: 2 for EUR (cents), 0 for JPY, 3 for KWD. */
export function minorUnitExponent(code: CurrencyCode): number {
  if (!isCurrencyCode(code)) throw new UnknownCurrencyError(code);
  return ISO_MINOR_UNITS[code] ?? 2;
}
