// Puts messages into a dead-letter table the way the engine does: decoded by EventDecoder and
// written by BatchWriter, so tests of the dead-letter store and workbench read real rows.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/postgres/sink_schema.h"

namespace spillway::test {

struct DeadLetterMessage {
    int partition = 0;
    int64_t offset = 0;
    std::string payload;
    std::string key;
    std::string headers_json;
    bool overflow = false;  // a valid event dead-lettered by the overflow policy
};

// Empty on success, else what went wrong (a message that decodes without `overflow` cannot be
// dead-lettered, nor one with `overflow` that does not decode).
std::string put_dead_letters(const SinkOptions& sink,
                             const std::vector<DeadLetterMessage>& messages);

}  // namespace spillway::test
