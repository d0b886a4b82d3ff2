// Strong types for identifiers that must never be mixed up: a Kafka offset is not a
// partition number, and neither is a record count. Each wraps one integer and exposes
// it with value(); arithmetic is spelled out where it is meaningful.
//
// Thread safety: plain values.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

#include <fmt/format.h>

namespace tributary {

template <typename Tag, typename Rep>
class StrongInt {
 public:
  constexpr StrongInt() = default;
  constexpr explicit StrongInt(Rep v) : v_(v) {}
  constexpr Rep value() const { return v_; }
  constexpr auto operator<=>(const StrongInt&) const = default;

 private:
  Rep v_{};
};

struct OffsetTag {};
struct PartitionTag {};

// A Kafka record offset within one topic-partition.
class Offset : public StrongInt<OffsetTag, int64_t> {
 public:
  using StrongInt::StrongInt;
  constexpr Offset Next() const { return Offset(value() + 1); }
};

// A Kafka partition number within one topic.
using Partition = StrongInt<PartitionTag, int32_t>;

// For test failure messages and logs.
inline std::ostream& operator<<(std::ostream& os, Offset o) { return os << o.value(); }
inline std::ostream& operator<<(std::ostream& os, Partition p) { return os << p.value(); }

// A topic and one of its partitions.
struct TopicPartition {
  std::string topic;
  Partition partition;
  auto operator<=>(const TopicPartition&) const = default;
  bool operator==(const TopicPartition&) const = default;
  // "orders-2", the form Kafka tools print.
  std::string ToString() const { return fmt::format("{}-{}", topic, partition.value()); }
};

}  // namespace tributary

template <>
struct std::hash<tributary::TopicPartition> {
  size_t operator()(const tributary::TopicPartition& tp) const noexcept {
    return std::hash<std::string>()(tp.topic) * 31 + static_cast<size_t>(tp.partition.value());
  }
};

template <>
struct fmt::formatter<tributary::Offset> : fmt::formatter<int64_t> {
  auto format(tributary::Offset o, format_context& ctx) const {
    return fmt::formatter<int64_t>::format(o.value(), ctx);
  }
};
template <>
struct fmt::formatter<tributary::Partition> : fmt::formatter<int32_t> {
  auto format(tributary::Partition p, format_context& ctx) const {
    return fmt::formatter<int32_t>::format(p.value(), ctx);
  }
};
