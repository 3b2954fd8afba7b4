/**
 * Realistic CALL frames as chargers send them: examples for simulators, tests and benchmarks.
 */

export const BOOT_NOTIFICATION_16 = JSON.stringify([
  2,
  '19223201',
  'BootNotification',
  {
    chargePointVendor: 'VendorX',
    chargePointModel: 'SingleSocketCharger',
    chargePointSerialNumber: 'CP-000123',
    chargeBoxSerialNumber: 'CB-000123',
    firmwareVersion: '1.4.2',
    iccid: '8931440400000000000',
    imsi: '204043212345678',
    meterType: 'DZG DVH4013',
    meterSerialNumber: 'M-998877',
  },
]);

const PERIODIC = { context: 'Sample.Periodic', format: 'Raw' } as const;

/** A 1.6 periodic sample of a three-phase session: ten sampled values in one meter value. */
export const METER_VALUES_16 = JSON.stringify([
  2,
  '7f3c9a41-2d1e-4b8a-9c55-0e6b1f2a3d4c',
  'MeterValues',
  {
    connectorId: 1,
    transactionId: 4711,
    meterValue: [
      {
        timestamp: '2025-03-14T09:26:53Z',
        sampledValue: [
          { ...PERIODIC, value: '15234', measurand: 'Energy.Active.Import.Register', location: 'Outlet', unit: 'Wh' },
          { ...PERIODIC, value: '10980', measurand: 'Power.Active.Import', location: 'Outlet', unit: 'W' },
          { ...PERIODIC, value: '15.9', measurand: 'Current.Import', phase: 'L1', location: 'Outlet', unit: 'A' },
          { ...PERIODIC, value: '15.8', measurand: 'Current.Import', phase: 'L2', location: 'Outlet', unit: 'A' },
          { ...PERIODIC, value: '16.0', measurand: 'Current.Import', phase: 'L3', location: 'Outlet', unit: 'A' },
          { ...PERIODIC, value: '230.1', measurand: 'Voltage', phase: 'L1-N', location: 'Outlet', unit: 'V' },
          { ...PERIODIC, value: '229.7', measurand: 'Voltage', phase: 'L2-N', location: 'Outlet', unit: 'V' },
          { ...PERIODIC, value: '231.0', measurand: 'Voltage', phase: 'L3-N', location: 'Outlet', unit: 'V' },
          { ...PERIODIC, value: '16', measurand: 'Current.Offered', location: 'Outlet', unit: 'A' },
          { ...PERIODIC, value: '54', measurand: 'SoC', location: 'EV', unit: 'Percent' },
        ],
      },
    ],
  },
]);

/** A 2.0.1 TransactionEvent(Updated) carrying a periodic meter sample. */
export const TRANSACTION_EVENT_201 = JSON.stringify([
  2,
  'b3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
  'TransactionEvent',
  {
    eventType: 'Updated',
    timestamp: '2025-03-14T09:26:53.120Z',
    triggerReason: 'MeterValuePeriodic',
    seqNo: 7,
    transactionInfo: { transactionId: 'TX-2025-03-14-000042', chargingState: 'Charging' },
    evse: { id: 1, connectorId: 1 },
    meterValue: [
      {
        timestamp: '2025-03-14T09:26:53.000Z',
        sampledValue: [
          { value: 15234, context: 'Sample.Periodic', measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' } },
          { value: 10980, context: 'Sample.Periodic', measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'W' } },
          { value: 15.9, context: 'Sample.Periodic', measurand: 'Current.Import', phase: 'L1' },
          { value: 15.8, context: 'Sample.Periodic', measurand: 'Current.Import', phase: 'L2' },
          { value: 16.0, context: 'Sample.Periodic', measurand: 'Current.Import', phase: 'L3' },
          { value: 230.1, context: 'Sample.Periodic', measurand: 'Voltage', phase: 'L1-N' },
          { value: 229.7, context: 'Sample.Periodic', measurand: 'Voltage', phase: 'L2-N' },
          { value: 231.0, context: 'Sample.Periodic', measurand: 'Voltage', phase: 'L3-N' },
          { value: 54, context: 'Sample.Periodic', measurand: 'SoC', location: 'EV', unitOfMeasure: { unit: 'Percent' } },
          { value: 50.02, context: 'Sample.Periodic', measurand: 'Frequency' },
        ],
      },
    ],
  },
]);

export const OCPP_EXAMPLE_FRAMES = {
  bootNotification16: BOOT_NOTIFICATION_16,
  meterValues16: METER_VALUES_16,
  transactionEvent201: TRANSACTION_EVENT_201,
} as const;
