# ProtobufConverter and JsonSchemaConverter through the running sink (issue 7): mock Kafka
# cluster, local store, a local Schema Registry responder, read back by DuckDB (tests/node)
# and python3-avro; payloads made by protoc + python3-protobuf (tests/converters/).
tributary_add_scenarios(TIMEOUT 300 NAMES converters_e2e)
