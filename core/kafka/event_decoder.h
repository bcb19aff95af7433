#pragma once
// Validates and decodes one Kafka message into the fields the engine needs. A pure function of its
// inputs (plus a reusable parser), so it is easy to unit-test and fuzz. A message that fails gets
// a reason class and a sentence a person can act on; it is never thrown away.
//
// Accepted: a JSON object (valid UTF-8, at most 1024 levels deep, no key twice in any object,
// numbers that fit a 64-bit integer or a double) with the id field present. Rejected with
// MalformedJson: not JSON, truncated, not UTF-8, raw NUL bytes, too deep; NotAnObject; MissingId;
// InvalidField: wrong id/time types, duplicate keys (jsonb would keep only the last), numbers out
// of range; Oversized. A string holding the escape \u0000 is valid JSON and passes, although
// PostgreSQL's jsonb refuses it (SQLSTATE 22P05): the writer isolates such an event by bisection
// and dead-letters it with the server's words (only an id holding it is refused here).
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/pipeline/event.h"

namespace spillway {

struct DecoderOptions {
    std::string id_field = "event_id";  // empty: derive the id from a hash of the payload
    std::string time_field = "ts";      // ISO-8601 string or epoch milliseconds; optional
    size_t max_payload_bytes = 1u << 20;
    size_t max_id_length = 256;
};

struct DecodeResult {
    RejectReason reject = RejectReason::None;
    std::string message;  // why it was rejected (empty when accepted)
    std::string event_id;
    int64_t event_time_ms = 0;  // the payload's time (valid only when has_time)
    bool has_time = false;      // the payload carries a time ("ts": 0 is the epoch, a time)
    bool ok() const { return reject == RejectReason::None; }
};

// The last instant PostgreSQL's timestamptz holds that the decoder accepts (9999-12-31, UTC).
constexpr int64_t kMaxEventTimeMs = 253402300799999;
// Whether a Kafka message timestamp can stand for an event's time: after the epoch and no later
// than kMaxEventTimeMs (a producer's clock can say anything; -1 means none).
bool usable_kafka_timestamp(int64_t timestamp_ms);
// The time a valid event is stored under, the same live and replayed: the payload's time when it
// has one, else `kafka_timestamp_ms` (which the caller made usable, e.g. the arrival time).
int64_t choose_event_time_ms(const DecodeResult& decoded, int64_t kafka_timestamp_ms);

class EventDecoder {
public:
    explicit EventDecoder(DecoderOptions options = {});
    ~EventDecoder();
    EventDecoder(EventDecoder&&) noexcept;
    EventDecoder& operator=(EventDecoder&&) noexcept;

    DecodeResult decode(std::string_view payload);
    const DecoderOptions& options() const { return options_; }

private:
    struct Parser;
    DecoderOptions options_;
    std::unique_ptr<Parser> parser_;  // simdjson parser, reused: it keeps its buffers
};

// A stable id for a payload without an id field: 32 hex digits of its SHA-256.
std::string payload_hash_id(std::string_view payload);

// Parses "2026-11-22T04:22:06.123Z" (or with +hh:mm) into epoch milliseconds.
bool parse_iso8601_ms(std::string_view text, int64_t* epoch_ms);

}  // namespace spillway
