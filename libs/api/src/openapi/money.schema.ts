import { component, view } from './schema-components';

/** Money as the contract writes it: decimal strings in major units, beside a currency. */
export const MONEY = component(
  'Money',
  view({ exclVat: { type: 'string', example: '12.34', description: 'excluding VAT' }, inclVat: { type: 'string', example: '14.68', description: 'including VAT' } }),
);
