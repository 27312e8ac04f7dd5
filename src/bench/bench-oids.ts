/** The seven SNMPv2-MIB system group objects (RFC 3418): the benchmarks' default GET. */
const SYSTEM_GROUP_OIDS = [
  '1.3.6.1.2.1.1.1.0',
  '1.3.6.1.2.1.1.2.0',
  '1.3.6.1.2.1.1.3.0',
  '1.3.6.1.2.1.1.4.0',
  '1.3.6.1.2.1.1.5.0',
  '1.3.6.1.2.1.1.6.0',
  '1.3.6.1.2.1.1.7.0',
];
export default SYSTEM_GROUP_OIDS;
