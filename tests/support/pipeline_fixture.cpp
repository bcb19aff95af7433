#include "support/pipeline_fixture.h"

#include <librdkafka/rdkafka.h>

#include <QtTest/QtTest>
#include <algorithm>
#include <stdexcept>
#include <thread>
#include <unordered_set>

#include "core/kafka/end_offsets.h"
#include "core/kafka/event_decoder.h"
#include "core/postgres/pg_connection.h"

namespace spillway::test {

PipelineFixture::PipelineFixture(int partitions, int brokers, const std::string& topic)
    : topic_(topic), partitions_(partitions) {
    DemoEnvironmentOptions options;
    options.kafka.brokers = brokers;
    options.kafka.partitions = partitions;
    options.kafka.topic = topic;
    environment_ = std::make_unique<DemoEnvironment>(options);
    environment_->start();
}

void PipelineFixture::use_topic(const std::string& topic, int partitions) {
    environment_->kafka()->create_topic(topic, partitions);
    topic_ = topic;
    partitions_ = partitions;
}

EngineOptions PipelineFixture::engine_options(const std::string& group, const std::string& table,
                                              const std::string& dead_letter_table) const {
    EngineOptions options;
    options.source.bootstrap_servers = bootstrap_servers();
    options.source.topic = topic_;
    options.source.group_id = group;
    options.sink.conninfo = conninfo();
    options.sink.events_table = table;
    options.sink.dead_letter_table = dead_letter_table;
    return options;
}

LoadGeneratorOptions PipelineFixture::load_options(int64_t events, double rate) const {
    LoadGeneratorOptions options;
    options.bootstrap_servers = bootstrap_servers();
    options.topic = topic_;
    options.events = events;
    options.rate_per_sec = rate;
    return options;
}

LoadGeneratorOptions PipelineFixture::mixed_load(int64_t events, double rate, uint64_t seed,
                                                 const std::string& id_prefix) const {
    LoadGeneratorOptions options = load_options(events, rate);
    options.duplicate_share = 0.02;
    options.malformed_share = 0.01;
    options.seed = seed;
    options.id_prefix = id_prefix;
    return options;
}

std::vector<int64_t> PipelineFixture::end_offsets() {
    return query_end_offsets(bootstrap_servers(), topic_);
}

bool PipelineFixture::wait_all_committed(Engine& engine, std::chrono::seconds timeout) {
    const auto ends = end_offsets();
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (caught_up(*engine.snapshot(), ends))
            return true;
        QTest::qWait(50);
    }
    const auto s = engine.sample_now();
    qWarning() << "not all committed: consumed" << s.consumed << "written" << s.written << "dup"
               << s.duplicates << "dead" << s.dead_lettered << "queue" << s.queue_events
               << "in flight" << s.in_flight_offsets << "kafka error" << s.last_kafka_error.c_str()
               << "db error" << s.last_database_error.c_str();
    for (const auto& lag : s.partitions)
        qWarning() << "  partition" << lag.partition << "committed" << lag.committed << "end"
                   << ends.at(static_cast<size_t>(lag.partition));
    return false;
}

std::vector<int64_t> PipelineFixture::committed_offsets(const std::string& group) {
    char error[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap_servers().c_str(), error, sizeof error);
    rd_kafka_conf_set(conf, "group.id", group.c_str(), error, sizeof error);
    rd_kafka_t* consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf, error, sizeof error);
    if (!consumer)
        throw std::runtime_error(error);
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(partitions_);
    for (int partition = 0; partition < partitions_; ++partition)
        rd_kafka_topic_partition_list_add(list, topic_.c_str(), partition);
    const auto err = rd_kafka_committed(consumer, list, 10000);
    std::vector<int64_t> offsets(static_cast<size_t>(partitions_), -1);
    for (int i = 0; i < list->cnt; ++i)
        offsets[static_cast<size_t>(list->elems[i].partition)] = list->elems[i].offset;
    rd_kafka_topic_partition_list_destroy(list);
    rd_kafka_destroy(consumer);
    if (err)
        throw std::runtime_error(std::string("committed offsets: ") + rd_kafka_err2str(err));
    return offsets;
}

bool PipelineFixture::wait_group_committed(const std::string& group, std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::vector<int64_t> ends, committed;
    std::string last_error;
    while (std::chrono::steady_clock::now() < deadline) {
        try {
            ends = end_offsets();
            committed = committed_offsets(group);
            if (committed == ends)
                return true;
        } catch (const std::exception& error) {
            last_error = error.what();  // a broker or coordinator may be briefly unavailable
        }
        QTest::qWait(200);
    }
    qWarning() << "group" << group.c_str() << "did not commit everything; last error"
               << last_error.c_str();
    for (size_t i = 0; i < ends.size(); ++i)
        qWarning() << "  partition" << i << "committed"
                   << (i < committed.size() ? committed[i] : int64_t(-2)) << "end" << ends[i];
    return false;
}

PipelineFixture::TopicCensus PipelineFixture::census(std::chrono::seconds timeout) {
    char error[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    const std::pair<const char*, std::string> settings[] = {
        {"bootstrap.servers", bootstrap_servers()},
        {"group.id", "census-" + topic_},
        {"enable.auto.commit", "false"},
        {"enable.partition.eof", "false"},
    };
    for (const auto& [name, value] : settings) {
        if (rd_kafka_conf_set(conf, name, value.c_str(), error, sizeof error) != RD_KAFKA_CONF_OK) {
            rd_kafka_conf_destroy(conf);
            throw std::runtime_error(std::string("census: ") + error);
        }
    }
    rd_kafka_t* consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf, error, sizeof error);
    if (!consumer)
        throw std::runtime_error(std::string("census: ") + error);

    TopicCensus result;
    const auto ends = end_offsets();
    std::vector<int64_t> next(ends.size(), 0);
    rd_kafka_topic_partition_list_t* list =
        rd_kafka_topic_partition_list_new(static_cast<int>(ends.size()));
    for (size_t partition = 0; partition < ends.size(); ++partition) {
        int64_t low = -1, high = -1;
        rd_kafka_query_watermark_offsets(consumer, topic_.c_str(), static_cast<int32_t>(partition),
                                         &low, &high, 10000);
        next[partition] = std::max<int64_t>(low, 0);
        result.log_start += next[partition];
        rd_kafka_topic_partition_list_add(list, topic_.c_str(), static_cast<int32_t>(partition))
            ->offset = next[partition];
    }
    rd_kafka_assign(consumer, list);
    rd_kafka_topic_partition_list_destroy(list);

    EventDecoder decoder;
    std::unordered_set<std::string> ids;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto remaining = [&] {
        for (size_t i = 0; i < ends.size(); ++i) {
            if (next[i] < ends[i])
                return true;
        }
        return false;
    };
    std::string failure;
    while (remaining()) {
        if (std::chrono::steady_clock::now() > deadline) {
            failure = "census: timed out reading " + topic_;
            break;
        }
        rd_kafka_message_t* message = rd_kafka_consumer_poll(consumer, 100);
        if (!message)
            continue;
        const auto partition = static_cast<size_t>(message->partition);
        if (!message->err && partition < ends.size() && message->offset < ends[partition]) {
            next[partition] = message->offset + 1;
            ++result.messages;
            const DecodeResult decoded = decoder.decode(
                std::string_view(static_cast<const char*>(message->payload), message->len));
            if (decoded.ok()) {
                ++result.valid;
                ids.insert(decoded.event_id);
            } else {
                ++result.malformed;
            }
        }
        rd_kafka_message_destroy(message);
    }
    result.valid_distinct = static_cast<int64_t>(ids.size());
    rd_kafka_consumer_close(consumer);
    rd_kafka_destroy(consumer);
    if (!failure.empty())
        throw std::runtime_error(failure);
    return result;
}

std::unique_ptr<Engine> PipelineFixture::start_engine(const EngineOptions& options) {
    auto engine = std::make_unique<Engine>(options);
    engine->start();
    return engine;
}

void PipelineFixture::drain_and_reset(std::unique_ptr<Engine>& engine) {
    if (engine && engine->running())
        engine->drain_and_stop();
    engine.reset();
}

int64_t PipelineFixture::scalar(const std::string& sql) {
    PgConnection connection(conninfo());
    return std::stoll(connection.query_column(sql).at(0));
}

std::vector<std::string> PipelineFixture::column(const std::string& sql) {
    PgConnection connection(conninfo());
    return connection.query_column(sql);
}

}  // namespace spillway::test
