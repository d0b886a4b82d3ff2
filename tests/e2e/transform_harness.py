"""Helpers for the transform scenario tests: a kafka-python producer that sets record
timestamps and headers (harness.produce_with_kafka_python sets neither)."""
import collections

Produced = collections.namedtuple("Produced", "value key timestamp_ms headers")

# The acceptance chain of issue #12: drop two fields, mask one, insert the Kafka offset,
# route by TimestampRouter (one routed topic per day).
TYPICAL_CHAIN = {
    "transforms": "drop,mask,offset,route",
    "transforms.drop.type": "org.apache.kafka.connect.transforms.ReplaceField$Value",
    "transforms.drop.exclude": "ssn,internal",
    "transforms.mask.type": "org.apache.kafka.connect.transforms.MaskField$Value",
    "transforms.mask.fields": "email",
    "transforms.mask.replacement": "***",
    "transforms.offset.type": "org.apache.kafka.connect.transforms.InsertField$Value",
    "transforms.offset.offset.field": "kafka_offset",
    "transforms.route.type": "org.apache.kafka.connect.transforms.TimestampRouter",
    "transforms.route.topic.format": "${topic}-${timestamp}",
    "transforms.route.timestamp.format": "yyyyMMdd",
}


def produce(bootstrap, topic, records, partition=0):
    """Produces `records` (Produced tuples) to one partition, in order, with kafka-python."""
    from kafka import KafkaProducer
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=20,
                             api_version=(2, 5, 0))
    futures = [producer.send(topic, value=r.value, key=r.key, headers=list(r.headers),
                             partition=partition, timestamp_ms=r.timestamp_ms) for r in records]
    producer.flush(timeout=120)
    for f in futures:
        f.get(timeout=60)  # raises if any record was not acknowledged
    producer.close()
