// The encode side of Thrift's compact protocol, as Parquet metadata (page headers and
// the footer) uses it (apache/thrift doc/specs/thrift-compact-protocol.md):
//
//   varint     unsigned LEB128;  i16/i32/i64 and enums: zigzag, then varint
//   field      one byte (id delta << 4 | type) when 0 < delta <= 15, else the type byte
//              and the id as a zigzag varint; bool fields carry the value in the type
//   struct     fields in any order (we write ascending ids), then a 0x00 stop byte;
//              the "last field id" restarts at 0 in every struct (a stack)
//   list       (size << 4 | element type) when size < 15, else (0xF0 | type) + varint
//   binary     varint length + bytes;  double: 8 bytes little-endian
//
// Callers write fields in ascending id order and every required field of the Parquet
// struct (parquet.thrift); the writer does not know the IDL.
//
// Thread safety: one writer per thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::parquet {

class CompactWriter {
 public:
  // Compact type codes.
  static constexpr uint8_t kTrue = 1, kFalse = 2, kByte = 3, kI16 = 4, kI32 = 5, kI64 = 6,
                           kDouble = 7, kBinary = 8, kList = 9, kStruct = 12;

  explicit CompactWriter(std::string* out) : out_(out) { last_.push_back(0); }

  void I16(int16_t id, int16_t v) {
    Header(id, kI16);
    Varint(Zigzag(v));
  }
  void I32(int16_t id, int32_t v) {
    Header(id, kI32);
    Varint(Zigzag(v));
  }
  void I64(int16_t id, int64_t v) {
    Header(id, kI64);
    Varint(Zigzag(v));
  }
  void Bool(int16_t id, bool v) { Header(id, v ? kTrue : kFalse); }
  void Binary(int16_t id, std::string_view v) {
    Header(id, kBinary);
    Bytes(v);
  }
  // A struct field: BeginStruct(id) ... EndStruct().
  void BeginStruct(int16_t id) {
    Header(id, kStruct);
    last_.push_back(0);
  }
  void EndStruct() {
    out_->push_back(0);
    last_.pop_back();
  }
  // An empty struct field (union members such as TimeUnit.MILLIS).
  void EmptyStruct(int16_t id) {
    BeginStruct(id);
    EndStruct();
  }
  // A list field; then write `size` elements with the Element* calls.
  void BeginList(int16_t id, uint8_t elem_type, size_t size) {
    Header(id, kList);
    if (size < 15) {
      out_->push_back(static_cast<char>(size << 4 | elem_type));
    } else {
      out_->push_back(static_cast<char>(0xF0 | elem_type));
      Varint(size);
    }
  }
  void ElementI32(int32_t v) { Varint(Zigzag(v)); }
  void ElementBinary(std::string_view v) { Bytes(v); }
  // A struct element of a list: BeginElementStruct() ... EndStruct().
  void BeginElementStruct() { last_.push_back(0); }
  // The stop byte of the outermost struct.
  void End() { out_->push_back(0); }

 private:
  static uint64_t Zigzag(int64_t v) {
    return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  }
  void Varint(uint64_t v) {
    while (v >= 0x80) {
      out_->push_back(static_cast<char>((v & 0x7F) | 0x80));
      v >>= 7;
    }
    out_->push_back(static_cast<char>(v));
  }
  void Bytes(std::string_view v) {
    Varint(v.size());
    out_->append(v);
  }
  void Header(int16_t id, uint8_t type) {
    int delta = id - last_.back();
    if (delta > 0 && delta <= 15) {
      out_->push_back(static_cast<char>(delta << 4 | type));
    } else {
      out_->push_back(static_cast<char>(type));
      Varint(Zigzag(id));
    }
    last_.back() = id;
  }

  std::string* out_;
  std::vector<int16_t> last_;
};

}  // namespace tributary::parquet
