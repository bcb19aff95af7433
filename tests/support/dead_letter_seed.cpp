#include "support/dead_letter_seed.h"

#include <chrono>

#include "core/kafka/event_decoder.h"
#include "core/postgres/batch_writer.h"

namespace spillway::test {

std::string put_dead_letters(const SinkOptions& sink,
                             const std::vector<DeadLetterMessage>& messages) {
    EventDecoder decoder;
    Batch batch;
    for (const DeadLetterMessage& message : messages) {
        Event event;
        event.payload = message.payload;
        event.key = message.key;
        event.headers_json = message.headers_json;
        event.partition = message.partition;
        event.offset = message.offset;
        const DecodeResult decoded = decoder.decode(message.payload);
        if (message.overflow) {
            if (!decoded.ok())
                return "overflow message does not decode: " + message.payload;
            event.event_id = decoded.event_id;
            event.reject = RejectReason::Overflow;
            event.reject_message = "the queue was full";
        } else {
            if (decoded.ok())
                return "message is valid, cannot dead-letter it: " + message.payload;
            event.reject = decoded.reject;
            event.reject_message = decoded.message;
        }
        batch.events.push_back(std::move(event));
    }
    BatchWriter writer(sink, nullptr);
    BatchResult result;
    const auto give_up_at = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    if (!writer.write(batch, result, [&] { return std::chrono::steady_clock::now() > give_up_at; }))
        return "write failed: " + writer.last_error();
    if (result.dead_lettered != static_cast<int64_t>(messages.size()))
        return "dead-lettered " + std::to_string(result.dead_lettered);
    return {};
}

}  // namespace spillway::test
