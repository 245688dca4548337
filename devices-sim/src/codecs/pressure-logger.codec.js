// PL-9, a generic NB-IoT pressure logger as the simulator plays it (--payload-format hex): its carrier platform
// forwards each 9-byte frame as a hex string. Big-endian:
//   0     frame type, 0x02 (measurement)
//   1-4   measurement time, epoch seconds (UTC), uint32
//   5-6   pressure, 0.1 kPa, uint16
//   7-8   battery, mV, uint16
function decodeUplink(input) {
  var bytes = input.bytes;
  if (bytes.length !== 9 || bytes[0] !== 0x02) {
    return { errors: ['expected a 9-byte type-2 frame, got ' + bytes.length + ' bytes'] };
  }
  var view = new DataView(new Uint8Array(bytes).buffer);
  return {
    data: {
      time: view.getUint32(1),
      pressure_kpa: view.getUint16(5) / 10,
      battery_v: view.getUint16(7) / 1000
    }
  };
}
