#include "sink/sink_metrics.h"

#include <string>

namespace tributary {

namespace {

// Part uploads: 10 ms (a local store) to 2 minutes (a 100 MiB part over a slow link).
std::vector<double> PartBuckets() {
  return {0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};
}

std::vector<std::string> TpLabels(const TopicPartition& tp) {
  return {tp.topic, std::to_string(tp.partition.value())};
}

}  // namespace

SinkMetrics::SinkMetrics(MetricsRegistry* r) {
  auto counter = [r](const char* name, const char* help) {
    auto* f = r->AddCounter(name, help);
    return f ? f->Get() : std::make_shared<Counter>();  // a detached handle if taken
  };
  auto gauge = [r](const char* name, const char* help) {
    auto* f = r->AddGauge(name, help);
    return f ? f->Get() : std::make_shared<Gauge>();
  };
  records_consumed = counter("tributary_sink_records_consumed_total",
                             "Records polled from Kafka and handed to a partition writer.");
  records_written = counter("tributary_sink_records_written_total",
                            "Records in objects that are visible in the store.");
  bytes_consumed = counter("tributary_sink_bytes_consumed_total",
                           "Key and value bytes of the records consumed.");
  bytes_written = counter("tributary_sink_bytes_written_total",
                          "Bytes of the objects made visible (after compression).");
  objects_written =
      counter("tributary_sink_objects_written_total", "Objects made visible in the store.");
  records_skipped = counter("tributary_sink_records_skipped_total",
                            "Records not written on purpose: tolerated errors "
                            "(errors.tolerance=all) and ignored null values.");
  records_filtered = counter("tributary_sink_records_filtered_total",
                             "Records dropped by a transform (Filter, a SQL WHERE): consumed, "
                             "accounted for, not written.");
  parts_uploaded = counter("tributary_sink_multipart_parts_uploaded_total",
                           "Multipart upload parts sent to the store.");
  auto* part_time =
      r->AddHistogram("tributary_sink_multipart_part_upload_duration_seconds",
                      "Time to upload one multipart part, retries included.", {}, PartBuckets());
  part_upload_time = part_time ? part_time->Get() : std::make_shared<Histogram>(PartBuckets());
  auto* put_time = r->AddHistogram("tributary_sink_object_put_duration_seconds",
                                   "Time to write one object in a single request, retries "
                                   "included.",
                                   {}, PartBuckets());
  object_put_time = put_time ? put_time->Get() : std::make_shared<Histogram>(PartBuckets());
  store_retries_ = r->AddCounter("tributary_sink_store_retries_total",
                                 "Object store requests retried, by reason.", {"reason"});
  errors_ =
      r->AddCounter("tributary_sink_errors_total", "Errors, by the stage that failed.", {"stage"});
  dlq_records =
      counter("tributary_sink_dlq_records_total", "Records sent to the dead-letter queue.");
  rotations_ = r->AddCounter("tributary_sink_file_rotations_total",
                             "Files closed on their rotation condition, by condition.", {"reason"});
  early_rotations_ =
      r->AddCounter("tributary_sink_early_rotations_total",
                    "Files closed before their rotation condition, by reason.", {"reason"});
  journal_commits = counter("tributary_sink_journal_commits_total",
                            "Exactly-once journal writes that committed a flush.");
  fencing_events = counter("tributary_sink_journal_fencing_events_total",
                           "Conditional journal writes lost to another owner (this "
                           "instance was fenced off a partition).");
  offset_commits_ = r->AddCounter("tributary_sink_offset_commits_total",
                                  "Kafka consumer group offset commits, by result.", {"result"});
  rebalances_ = r->AddCounter("tributary_sink_rebalances_total",
                              "Consumer group rebalance events, by event.", {"event"});
  partitions_assigned =
      gauge("tributary_sink_partitions_assigned", "Topic-partitions assigned to this process.");
  buffered_bytes = gauge("tributary_sink_memory_buffered_bytes",
                         "Memory held by open files (unsent bytes and encoder state), "
                         "bounded by buffer.memory.bytes.");
  spilled_bytes = gauge("tributary_sink_spill_bytes",
                        "Bytes of open files staged in buffer.spill.dir, bounded by "
                        "buffer.spill.max.bytes.");
  memory_paused_partitions =
      gauge("tributary_sink_memory_paused_partitions",
            "Partitions paused because open files and parts in flight exceed "
            "buffer.memory.bytes.");
  memory_pauses = counter("tributary_sink_memory_pauses_total",
                          "Times the fastest partitions were paused for buffer.memory.bytes.");
  lag_ = r->AddGauge("tributary_sink_consumer_lag_records",
                     "Records between the partition's high watermark and the committed offset.",
                     {"topic", "partition"});
  committed_ = r->AddGauge("tributary_sink_committed_offset",
                           "Next offset to consume; every record before it is in the store.",
                           {"topic", "partition"});
  open_files_ = r->AddGauge("tributary_sink_open_files", "Files open for the partition.",
                            {"topic", "partition"});
  buffered_bytes_ =
      r->AddGauge("tributary_sink_buffered_bytes",
                  "Bytes in the partition's open files, not yet durable.", {"topic", "partition"});
  buffered_records_ = r->AddGauge("tributary_sink_buffered_records",
                                  "Records in the partition's open files, not yet durable.",
                                  {"topic", "partition"});
  last_object_time_ = r->AddGauge("tributary_sink_last_object_timestamp_seconds",
                                  "Unix time at which the partition's newest object became "
                                  "visible.",
                                  {"topic", "partition"});
  task_running = gauge("tributary_sink_task_running",
                       "1 while the sink task runs; 0 while paused, failed or stopping.");
  task_restarts = counter("tributary_sink_task_restarts_total",
                          "Times the sink task was started again (REST restart or resume).");
}

PartitionMetrics SinkMetrics::ForPartition(const TopicPartition& tp) {
  auto labels = TpLabels(tp);
  auto get = [&](GaugeFamily* f) { return f ? f->WithLabels(labels) : std::make_shared<Gauge>(); };
  return {get(lag_),
          get(committed_),
          get(open_files_),
          get(buffered_bytes_),
          get(buffered_records_),
          get(last_object_time_)};
}

std::shared_ptr<Gauge> SinkMetrics::ConsumerLag(const TopicPartition& tp) {
  return lag_ ? lag_->WithLabels(TpLabels(tp)) : std::make_shared<Gauge>();
}

std::shared_ptr<Gauge> SinkMetrics::CommittedOffset(const TopicPartition& tp) {
  return committed_ ? committed_->WithLabels(TpLabels(tp)) : std::make_shared<Gauge>();
}

std::shared_ptr<Gauge> SinkMetrics::OpenFiles(const TopicPartition& tp) {
  return open_files_ ? open_files_->WithLabels(TpLabels(tp)) : std::make_shared<Gauge>();
}

std::shared_ptr<Gauge> SinkMetrics::BufferedBytes(const TopicPartition& tp) {
  return buffered_bytes_ ? buffered_bytes_->WithLabels(TpLabels(tp)) : std::make_shared<Gauge>();
}

std::shared_ptr<Gauge> SinkMetrics::BufferedRecords(const TopicPartition& tp) {
  return buffered_records_ ? buffered_records_->WithLabels(TpLabels(tp))
                           : std::make_shared<Gauge>();
}

std::shared_ptr<Gauge> SinkMetrics::LastObjectTime(const TopicPartition& tp) {
  return last_object_time_ ? last_object_time_->WithLabels(TpLabels(tp))
                           : std::make_shared<Gauge>();
}

void SinkMetrics::DropPartition(const TopicPartition& tp, bool files_only) {
  auto labels = TpLabels(tp);
  for (GaugeFamily* f : {open_files_, buffered_bytes_, buffered_records_, last_object_time_}) {
    if (f) f->Remove(labels);
  }
  if (files_only) return;
  for (GaugeFamily* f : {lag_, committed_}) {
    if (f) f->Remove(labels);
  }
}

}  // namespace tributary
