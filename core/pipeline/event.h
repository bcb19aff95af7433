#pragma once
// What travels through the pipeline: one consumed Kafka message, decoded or rejected.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace spillway {

using SteadyTime = std::chrono::steady_clock::time_point;

enum class RejectReason : uint8_t {
    None = 0,
    MalformedJson,   // not parseable JSON, truncated, not UTF-8
    NotAnObject,     // array or scalar at top level
    MissingId,       // configured id field absent or empty
    InvalidField,    // a field has the wrong type or an impossible value
    Oversized,       // bigger than the configured payload limit
    DatabaseReject,  // the database refused the row (SQLSTATE in the message)
    Overflow,        // the queue was full under the dead-letter overflow policy
};

const char* reject_reason_name(RejectReason reason);

struct Event {
    std::string payload;        // bytes as received
    std::string key;            // Kafka key (may be empty)
    std::string headers_json;   // Kafka headers as a JSON array; empty when there are none
    std::string event_id;       // from the configured JSON field, else a hash of the payload
    int64_t event_time_ms = 0;  // from the payload's "ts", else the Kafka timestamp
    int32_t partition = 0;
    int64_t offset = 0;
    SteadyTime received_at{};    // when the source handed it to the queue (end-to-end latency)
    int64_t produced_at_ms = 0;  // Kafka message timestamp (wall clock) for lag in seconds
    RejectReason reject = RejectReason::None;
    std::string reject_message;  // a sentence a person can act on

    bool rejected() const { return reject != RejectReason::None; }
    // What the event costs in memory while queued; the queue's byte capacity counts this.
    size_t footprint() const {
        return payload.size() + key.size() + headers_json.size() + event_id.size() +
               reject_message.size() + sizeof(Event);
    }
};

struct Batch {
    uint64_t sequence = 0;  // increasing batch number, for logs
    std::vector<Event> events;
    size_t bytes = 0;
    SteadyTime formed_at{};
};

}  // namespace spillway
