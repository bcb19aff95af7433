#pragma once
// A plain librdkafka producer for tests that need exact bytes, keys, headers and timestamps: the
// load generator only makes its own kinds of payload. Everything goes to partition 0.
#include <librdkafka/rdkafka.h>

#include <optional>
#include <string>
#include <vector>

namespace spillway::test {

struct Header {
    std::string name;
    std::optional<std::string> value;  // nullopt: a header without a value
};

// What the broker said about one produced message.
struct Delivery {
    int64_t offset = -1;
    std::string error;
};

class TestProducer {
public:
    explicit TestProducer(const std::string& bootstrap_servers);
    ~TestProducer();
    TestProducer(const TestProducer&) = delete;
    TestProducer& operator=(const TestProducer&) = delete;

    // Queues one message; `delivery` (which must outlive flush()) receives its offset. An empty
    // payload or key is sent as null, the way a tombstone arrives.
    void send(const std::string& topic, const std::string& payload, const std::string& key,
              const std::vector<Header>& headers = {}, Delivery* delivery = nullptr);

    // Waits until every queued message is acknowledged (delivery reports served).
    bool flush(int timeout_ms = 30000);

private:
    static void delivered(rd_kafka_t*, const rd_kafka_message_t* message, void*);

    rd_kafka_t* producer_ = nullptr;
};

}  // namespace spillway::test
