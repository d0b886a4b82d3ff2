// @platformatic/kafka (pure JavaScript, speaks the newest protocol versions) against a
// Kafka-compatible broker: creates a topic, produces with an idempotent producer
// (acks=all), consumes it in a consumer group committing every message, and runs the
// admin calls (groups, configs, committed offsets, offsets, DeleteRecords, DeleteTopics).
// Prints what it saw as JSON.
//   node broker_platformatic.mjs HOST:PORT TOPIC GROUP COUNT
import {
  Admin, Consumer, MessagesStreamModes, ProduceAcks, Producer, stringDeserializers,
  stringSerializers,
} from '@platformatic/kafka';

const [broker, topic, groupId, countArg] = process.argv.slice(2);
const count = Number(countArg);
const base = { clientId: 'platformatic', bootstrapBrokers: [broker] };
const admin = new Admin(base);
await admin.createTopics({ topics: [topic], partitions: 2, replicas: 1 });

const producer = new Producer({ ...base, serializers: stringSerializers, idempotent: true });
const acked = [];
for (let i = 0; i < count; i++) {
  const res = await producer.send({
    messages: [{ topic, key: `k${i}`, value: `platformatic-${i}`, partition: i % 2 }],
    acks: ProduceAcks.ALL,
  });
  acked.push(res.offsets?.[0] ?? null);
}
await producer.close();

const consumer = new Consumer({
  ...base, groupId, deserializers: stringDeserializers, autocommit: false,
  sessionTimeout: 10000, heartbeatInterval: 500, maxWaitTime: 200,
});
const stream = await consumer.consume({ topics: [topic], mode: MessagesStreamModes.EARLIEST });
const seen = [];
const timer = setTimeout(() => { console.error(`only ${seen.length} of ${count}`); process.exit(1); }, 30000);
for await (const m of stream) {
  seen.push({ partition: m.partition, offset: Number(m.offset), value: m.value });
  await m.commit();
  if (seen.length === count) break;
}
clearTimeout(timer);
const committed = await consumer.listCommittedOffsets({
  topics: [{ topic, partitions: [0, 1] }],
});
const ends = await consumer.listOffsets({ topics: [topic] });
await stream.close();
await consumer.close();

const groups = await admin.listGroups();
const described = await admin.describeGroups({ groups: [groupId] });
const configs = await admin.describeConfigs({ resources: [{ resourceType: 2, resourceName: topic }] });
const groupOffsets = await admin.listConsumerGroupOffsets({ groups: [groupId] });
await admin.deleteRecords({ topics: [{ name: topic, partitions: [{ partition: 0, offset: 2n }] }] });
const earliest = await admin.listOffsets({
  topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp: -2n }] }],
});
await admin.deleteTopics({ topics: [topic] });
const topicsAfter = await admin.listTopics();
await admin.close();
const big = (_, v) => (typeof v === 'bigint' ? Number(v) : v instanceof Map ? Object.fromEntries(v) : v);
console.log(JSON.stringify({
  acked, seen, committed, ends, groups: [...groups.keys()],
  described: [...described.values()].map((g) => ({ id: g.id, state: g.state })),
  configs: configs[0].configs.map((c) => [c.name, c.value]),
  groupOffsets, earliest, deleted: !topicsAfter.includes(topic),
}, big));
