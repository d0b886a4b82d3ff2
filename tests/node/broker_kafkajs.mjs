// kafkajs (pure JavaScript) against a Kafka-compatible broker: creates a topic, produces
// with an idempotent producer (plain and gzip batches), consumes it in a consumer group,
// and prints what it saw plus the group's committed offsets as JSON.
//   node broker_kafkajs.mjs HOST:PORT TOPIC GROUP COUNT
import { Kafka, CompressionTypes, logLevel } from 'kafkajs';

const [broker, topic, groupId, countArg] = process.argv.slice(2);
const count = Number(countArg);
const kafka = new Kafka({ clientId: 'kafkajs-e2e', brokers: [broker], logLevel: logLevel.ERROR });
const admin = kafka.admin();
await admin.connect();
await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
await producer.connect();
const acked = [];
for (let start = 0; start < count; start += 50) {
  const messages = [];
  for (let i = start; i < Math.min(count, start + 50); i++) messages.push({ key: `k${i}`, value: `kafkajs-${i}` });
  const res = await producer.send({
    topic, messages, acks: -1,
    compression: (start / 50) % 2 ? CompressionTypes.GZIP : CompressionTypes.None,
  });
  acked.push(...res.map((r) => ({ partition: r.partition, baseOffset: Number(r.baseOffset) })));
}
await producer.disconnect();
const consumer = kafka.consumer({ groupId, sessionTimeout: 10000, heartbeatInterval: 500 });
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
const seen = [];
await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`only ${seen.length} of ${count} consumed`)), 20000);
  consumer.run({
    eachMessage: async ({ partition, message }) => {
      seen.push({ partition, offset: Number(message.offset), value: message.value.toString() });
      if (seen.length === count) { clearTimeout(timer); resolve(); }
    },
  });
});
await consumer.disconnect();  // commits the consumed offsets
const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
const groups = await admin.listGroups();
const described = await admin.describeGroups([groupId]);
// Admin: topic configs, and DeleteRecords moving partition 0's log start to offset 10.
const configs = await admin.describeConfigs({
  resources: [{ type: 2, name: topic }], includeSynonyms: false,
});
await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '10' }] });
const watermarks = await admin.fetchTopicOffsets(topic);
await admin.disconnect();
console.log(JSON.stringify({
  acked, seen, offsets: offsets[0].partitions, groups: groups.groups, described: described.groups,
  configs: configs.resources[0].configEntries.map((e) => [e.configName, e.configValue]),
  watermarks,
}));
