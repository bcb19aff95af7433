#pragma once
// Shared by the integration tests: the embedded default (a private PostgreSQL on 127.0.0.1 and
// librdkafka's mock cluster), plus the questions tests ask of it.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/demo/demo_environment.h"
#include "core/pipeline/engine.h"
#include "core/demo/load_generator.h"

namespace spillway::test {

class PipelineFixture {
public:
    explicit PipelineFixture(int partitions, int brokers = 1, const std::string& topic = "events");

    // Creates a fresh topic on the mock cluster and makes it the one every helper below uses, so
    // each test reads only its own events.
    void use_topic(const std::string& topic, int partitions);

    DemoEnvironment& environment() { return *environment_; }
    std::string bootstrap_servers() const { return environment_->bootstrap_servers(); }
    std::string conninfo() const { return environment_->conninfo(); }
    const std::string& topic() const { return topic_; }

    // Engine options wired to the embedded services, with the given group and tables.
    EngineOptions engine_options(const std::string& group, const std::string& table = "events",
                                 const std::string& dead_letter_table = "dead_letters") const;
    LoadGeneratorOptions load_options(int64_t events, double rate = 0) const;
    // A realistic mix: 2 % exact duplicates, 1 % malformed, ids "<prefix>-...", a fixed seed.
    LoadGeneratorOptions mixed_load(int64_t events, double rate, uint64_t seed,
                                    const std::string& id_prefix) const;

    // Waits until every partition's committed offset (as the engine saw its commits) equals the
    // log-end offset; false on timeout. Prints the engine's figures on failure.
    bool wait_all_committed(Engine& engine, std::chrono::seconds timeout);
    // The group's committed offsets as the broker reports them, one per partition (-1: none).
    std::vector<int64_t> committed_offsets(const std::string& group);
    std::vector<int64_t> end_offsets();

    // Waits until the group's committed offsets, as the broker reports them, equal the log-end
    // offsets (whichever instances of the group committed them); false on timeout.
    bool wait_group_committed(const std::string& group, std::chrono::seconds timeout);

    // What the topic holds, read back from the broker and classified by the engine's decoder: the
    // truth to compare the tables with when a producer retry may have stored a message twice.
    struct TopicCensus {
        int64_t messages = 0;        // from the first offsets to the log-end offsets
        int64_t valid = 0;           // messages the decoder accepts
        int64_t valid_distinct = 0;  // distinct event ids among them
        int64_t malformed = 0;       // messages the decoder rejects
        int64_t log_start = 0;       // sum of the first offsets: > 0 when retention dropped data
    };
    TopicCensus census(std::chrono::seconds timeout = std::chrono::seconds(60));

    // A started engine with these options (throws what Engine::start() throws).
    static std::unique_ptr<Engine> start_engine(const EngineOptions& options);
    // Drains a running engine and destroys it; a stopped or absent one is just destroyed.
    static void drain_and_reset(std::unique_ptr<Engine>& engine);

    int64_t scalar(const std::string& sql);
    std::vector<std::string> column(const std::string& sql);

private:
    std::string topic_;
    int partitions_;
    std::unique_ptr<DemoEnvironment> environment_;
};

}  // namespace spillway::test
