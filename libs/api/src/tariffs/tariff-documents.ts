import { validateTariff, type Tariff } from '@evcsms/billing';
import { badRequest } from '../http/problem';

/** An OCPI 2.2.1 Tariff with our extensions, documented for OpenAPI; validateTariff is the check. */
export const TARIFF_SCHEMA = {
  type: 'object',
  description:
    'An OCPI 2.2.1 Tariff. `id` is optional on create (one is assigned); `version` is assigned; `start_date_time`/`end_date_time` bound a version. Extensions: `parking_grace_period` (seconds).',
  properties: {
    id: { type: 'string', maxLength: 36 },
    currency: { type: 'string', example: 'EUR' },
    type: { type: 'string', enum: ['AD_HOC_PAYMENT', 'PROFILE_CHEAP', 'PROFILE_FAST', 'PROFILE_GREEN', 'REGULAR'] },
    min_price: { type: 'object', properties: { excl_vat: { type: 'number' }, incl_vat: { type: 'number' } } },
    max_price: { type: 'object', properties: { excl_vat: { type: 'number' }, incl_vat: { type: 'number' } } },
    start_date_time: { type: 'string', format: 'date-time' },
    end_date_time: { type: 'string', format: 'date-time' },
    parking_grace_period: { type: 'integer', minimum: 0 },
    elements: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          price_components: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                type: { type: 'string', enum: ['ENERGY', 'FLAT', 'PARKING_TIME', 'TIME'] },
                price: { type: 'number', description: 'excl. VAT, per kWh / hour / session' },
                vat: { type: 'number', description: 'percent' },
                step_size: { type: 'integer', description: 'Wh for ENERGY, seconds for TIME and PARKING_TIME' },
              },
              required: ['type', 'price', 'step_size'],
            },
          },
          restrictions: { type: 'object', description: 'OCPI TariffRestrictions, local time of the site' },
        },
        required: ['price_components'],
      },
    },
  },
  required: ['currency', 'elements'],
};

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** validateTariff's verdict as a 400 problem listing every issue with its JSON Pointer. */
export function checkedTariff(document: Record<string, unknown>): Tariff {
  const result = validateTariff(document);
  if (!result.ok) throw badRequest('The tariff is invalid', { errors: result.issues.map((issue) => ({ path: issue.path || '/', message: issue.message })) });
  return result.tariff;
}

export function fieldError(path: string, message: string): Error {
  return badRequest('The tariff is invalid', { errors: [{ path, message }] });
}
