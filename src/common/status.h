// Status and Result<T>: the one error model of Tributary.
//
// Every operation that can fail in ordinary use (I/O, network, decoding, bad input,
// bad configuration) returns a Status or a Result<T>. Exceptions never cross a module
// boundary. A Status carries a code a caller can branch on and a message a user can act
// on: it names the config key, the topic-partition and offset, or the bucket and key
// concerned, and what was expected.
//
// Thread safety: Status and Result are values; distinct objects may be used from
// distinct threads freely, one object is not synchronised.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include <fmt/core.h>

namespace tributary {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // bad input or configuration; retrying will not help
  kNotFound,            // object, key, topic or file does not exist
  kAlreadyExists,       // e.g. a conditional create found the object present
  kPreconditionFailed,  // a conditional write lost (If-Match / If-None-Match)
  kIOError,             // local disk or network I/O failed
  kUnavailable,         // a remote service is temporarily unavailable: retriable
  kPermissionDenied,    // credentials rejected or access refused
  kCorruption,          // data read back is not what it should be
  kCancelled,           // stopped on request (shutdown)
  kInternal,            // a bug: an invariant did not hold
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status OK() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // True for errors where the same call may succeed later (network, 5xx, throttling).
  bool IsRetriable() const {
    return code_ == StatusCode::kUnavailable || code_ == StatusCode::kIOError;
  }

  // Returns a copy whose message is prefixed with `context` ("context: message").
  Status WithContext(std::string_view context) const;

  // "InvalidArgument: flush.size: expected an integer > 0, got '0'"; "OK" when ok.
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Convenience constructors with fmt-style formatting.
#define TRIBUTARY_STATUS_CTOR(Name)                                                  \
  template <typename... Args>                                                        \
  Status Name(fmt::format_string<Args...> f, Args&&... args) {                       \
    return Status(StatusCode::k##Name, fmt::format(f, std::forward<Args>(args)...)); \
  }
TRIBUTARY_STATUS_CTOR(InvalidArgument)
TRIBUTARY_STATUS_CTOR(NotFound)
TRIBUTARY_STATUS_CTOR(AlreadyExists)
TRIBUTARY_STATUS_CTOR(PreconditionFailed)
TRIBUTARY_STATUS_CTOR(IOError)
TRIBUTARY_STATUS_CTOR(Unavailable)
TRIBUTARY_STATUS_CTOR(PermissionDenied)
TRIBUTARY_STATUS_CTOR(Corruption)
TRIBUTARY_STATUS_CTOR(Cancelled)
TRIBUTARY_STATUS_CTOR(Internal)
#undef TRIBUTARY_STATUS_CTOR

// Result<T> holds either a T or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(v_).ok() && "Result built from an OK Status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  // The error; OK when the result holds a value. Valid as long as this Result.
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }

  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace tributary

#define TRIBUTARY_CONCAT_INNER(a, b) a##b
#define TRIBUTARY_CONCAT(a, b) TRIBUTARY_CONCAT_INNER(a, b)

// Returns from the calling function if `expr` (a Status) is not OK.
#define RETURN_IF_ERROR(expr)         \
  do {                                \
    ::tributary::Status _st = (expr); \
    if (!_st.ok()) return _st;        \
  } while (0)

// `ASSIGN_OR_RETURN(auto x, MakeX());` assigns the value or returns the error.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(TRIBUTARY_CONCAT(_result_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.status();         \
  lhs = std::move(tmp).value()
