#include "support/pipeline_fixture.h"

#include <librdkafka/rdkafka.h>

#include <QtTest/QtTest>
#include <stdexcept>
#include <thread>

#include "core/pg_connection.h"

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

std::vector<int64_t> PipelineFixture::end_offsets() {
    return query_end_offsets(bootstrap_servers(), topic_);
}

bool PipelineFixture::wait_all_committed(Engine& engine, std::chrono::seconds timeout) {
    const auto ends = end_offsets();
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        const auto snapshot = engine.snapshot();
        bool done = snapshot->partitions.size() == ends.size();
        for (const auto& lag : snapshot->partitions)
            done = done && lag.committed == ends.at(static_cast<size_t>(lag.partition));
        if (done)
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

int64_t PipelineFixture::scalar(const std::string& sql) {
    PgConnection connection(conninfo());
    return std::stoll(connection.query_column(sql).at(0));
}

std::vector<std::string> PipelineFixture::column(const std::string& sql) {
    PgConnection connection(conninfo());
    return connection.query_column(sql);
}

}  // namespace spillway::test
