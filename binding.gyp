{
  "targets": [
    {
      "target_name": "shared_udp",
      "sources": ["src/sim/native/shared_udp.c"],
      "cflags": ["-O2", "-Wall"],
      "conditions": [["OS!='linux'", {"type": "none", "sources": []}]]
    },
    {
      "target_name": "batch_udp",
      "sources": ["src/snmp/native/batch_udp.c"],
      "cflags": ["-O2", "-Wall"],
      "conditions": [["OS!='linux'", {"type": "none", "sources": []}]]
    }
  ]
}
