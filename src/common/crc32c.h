// CRC-32C (Castagnoli), the checksum S3 accepts as x-amz-checksum-crc32c.
//
// Parameters (RFC 3720 §B.4, iSCSI; the same CRC as SSE4.2's crc32 instruction):
// polynomial 0x1EDC6F41 (reflected 0x82F63B78), initial value 0xFFFFFFFF, input and
// output reflected, final XOR 0xFFFFFFFF. Check value: Crc32c("123456789") = 0xE3069283.
// S3 sends and expects the 4 bytes big-endian, base64-encoded (Crc32cBase64).
//
// Uses the SSE4.2 instruction when the CPU has it, a table otherwise; both give the same
// result (crc32c_test.cc checks this).
//
// Thread safety: all functions are reentrant.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tributary {

// The CRC of `data`, continuing from `crc` (the result of a previous call over the bytes
// before `data`; 0 to start): Crc32c(b, Crc32c(a)) == Crc32c(a + b).
uint32_t Crc32c(std::string_view data, uint32_t crc = 0);

// The same with the portable table implementation only (for tests and benchmarks).
uint32_t Crc32cPortable(std::string_view data, uint32_t crc = 0);

// base64 of the big-endian bytes of Crc32c(data): the x-amz-checksum-crc32c value.
std::string Crc32cBase64(std::string_view data);

}  // namespace tributary
