import { OCPP16_DESCRIPTOR } from './ocpp16.descriptor';
import { OCPP201_DESCRIPTOR } from './ocpp201.descriptor';
import { type OcppVersion } from './ocpp-version';
import { type OcppVersionDescriptor } from './version-descriptor';

const DESCRIPTORS: Readonly<Record<OcppVersion, OcppVersionDescriptor>> = {
  'ocpp1.6': OCPP16_DESCRIPTOR,
  'ocpp2.0.1': OCPP201_DESCRIPTOR,
};

/** The descriptor of a version, or undefined for anything that is not a supported version string. */
export function descriptorOf(version: OcppVersion): OcppVersionDescriptor | undefined {
  return Object.prototype.hasOwnProperty.call(DESCRIPTORS, version) ? DESCRIPTORS[version] : undefined;
}

/** Like descriptorOf, for callers that treat an unknown version as a programming error. */
export function requireDescriptor(version: OcppVersion): OcppVersionDescriptor {
  const descriptor = descriptorOf(version);
  if (!descriptor) throw new RangeError(`unsupported OCPP version: ${String(version)}`);
  return descriptor;
}
