import { type SchemaObject } from 'ajv';
import { type OcppVersion, type PayloadDirection, SUPPORTED_OCPP_VERSIONS } from '../versions/ocpp-version';
import { requireDescriptor } from '../versions/version-registry';

export interface CataloguedSchema {
  version: OcppVersion;
  action: string;
  direction: PayloadDirection;
  schema: SchemaObject;
  /** "ocpp1.6 BootNotification request", for test titles. */
  title: string;
}

/** Every schema of every supported version, with its action and direction. */
export function schemaCatalogue(versions: readonly OcppVersion[] = SUPPORTED_OCPP_VERSIONS): CataloguedSchema[] {
  return versions.flatMap((version) => {
    const descriptor = requireDescriptor(version);
    return descriptor.schemas.map((schema) => {
      const key = descriptor.schemaKeyOf(String(schema.$id));
      if (!key) throw new Error(`unrecognised schema id ${String(schema.$id)}`);
      return { version, ...key, schema, title: `${version} ${key.action} ${key.direction}` };
    });
  });
}
