#pragma once
// A load generator: realistic IoT-style JSON events, keyed by device_id, produced to a Kafka topic
// at a target rate or as fast as possible, with configurable shares of exact duplicates and of
// malformed messages. Runs on its own thread; rate and shares can change while it runs.
//
// An event looks like
//   {"event_id":"g1-000000000042","device_id":"dev-00017","event_type":"temperature",
//    "ts":"2026-11-22T04:22:06.123Z","seq":42,"temperature_c":21.4,"humidity_pct":40.2,
//    "battery_v":3.61,"rssi_dbm":-67,"firmware":"1.4.2","site":"plant-3","pad":"..."}
// padded with a "pad" string so the serialized size is close to payload_bytes.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

namespace spillway {

struct LoadGeneratorOptions {
    std::string bootstrap_servers;
    std::string topic = "events";
    int64_t events = 0;          // total messages to produce (all kinds); 0 = until stop()
    double rate_per_sec = 0;     // target messages/s; 0 = as fast as possible
    int payload_bytes = 300;     // approximate serialized size of a valid event (>= ~200)
    int devices = 10000;         // device population; key = device_id
    double duplicate_share = 0;  // 0..1: share of messages that repeat an earlier valid event
    double malformed_share = 0;  // 0..1: share of messages that are not valid events
    uint64_t seed = 1;
    std::string id_prefix = "g1";  // event ids are "<prefix>-<12 digit sequence>"
};

struct LoadGeneratorStats {
    int64_t produced = 0;   // messages handed to the producer
    int64_t delivered = 0;  // acknowledged by the broker
    int64_t delivery_failed = 0;
    int64_t valid_distinct = 0;  // distinct valid event ids among produced
    int64_t duplicates = 0;      // exact re-sends of an earlier valid event
    int64_t malformed = 0;
    int64_t bytes = 0;
};

class LoadGenerator {
public:
    explicit LoadGenerator(LoadGeneratorOptions options);
    ~LoadGenerator();  // stop() + wait()
    LoadGenerator(const LoadGenerator&) = delete;
    LoadGenerator& operator=(const LoadGenerator&) = delete;

    void start();  // throws std::runtime_error if the producer cannot be created
    void stop();   // ask the thread to stop after the current message
    // Waits for the thread to end and for every produced message to be acknowledged (flush).
    void wait();
    bool finished() const;

    void set_rate(double rate_per_sec);
    // Paused, it produces nothing until resumed (set_rate(0) means "as fast as possible").
    void set_paused(bool paused);
    bool paused() const;
    void set_shares(double duplicate_share, double malformed_share);
    void set_payload_bytes(int payload_bytes);

    LoadGeneratorStats stats() const;  // safe from any thread

private:
    struct State;
    std::unique_ptr<State> state_;
};

// Pure helpers, exposed for unit tests and benchmarks.
std::string make_event_json(const std::string& event_id, int device, int64_t seq, int64_t ts_ms,
                            int payload_bytes, uint64_t noise);
std::string make_malformed_message(uint64_t variant, const std::string& valid_example);

}  // namespace spillway
