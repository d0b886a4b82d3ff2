// The one table-driven codec for every Kafka request and response
// (docs/broker-protocol.md). Nothing here knows a particular API: the StructDef from
// messages.def says what to read and write.
//
// Thread safety: all functions are reentrant.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "kafka/protocol/message.h"
#include "kafka/protocol/schema.h"

namespace tributary::kafka {

// Decodes a whole message body. Corruption, naming the field path, when bytes run out,
// a length is invalid or bytes are left over.
Result<Struct> DecodeStruct(const StructDef& def, int version, bool flexible,
                            std::string_view bytes);

// Appends the encoding of `value` (whose def() is the definition to follow) to `out`.
void EncodeStruct(const Struct& value, int version, bool flexible, std::string* out);

struct RequestHeader {
  int16_t api_key = 0;
  int16_t api_version = 0;
  int32_t correlation_id = 0;
  std::optional<std::string> client_id;  // nullopt when null
  std::vector<RawTaggedField> tags;      // header v2 tagged fields
  size_t size = 0;                       // bytes the header took
};

// Request header v1, or v2 when `flexible(api_key, api_version)` says the API version is
// flexible. The client id stays a classic nullable string in both.
Result<RequestHeader> DecodeRequestHeader(std::string_view frame, const MessageTable& table);
void EncodeRequestHeader(const RequestHeader& header, bool flexible, std::string* out);

// The header version a response uses: 0 for ApiVersions always (clients read it before
// they know the broker's versions) and for non-flexible versions, 1 otherwise.
int ResponseHeaderVersion(int api_key, bool flexible);

// A whole response frame: int32 size, header, body.
std::string EncodeResponseFrame(int32_t correlation_id, int api_key, int version, bool flexible,
                                const Struct& body);

}  // namespace tributary::kafka
