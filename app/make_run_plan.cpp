#include "app/make_run_plan.h"

#include <QCoreApplication>
#include <QDir>

namespace spillway {

namespace {
// The demo's database is new each run, so its archives are too: a private directory per process.
std::string demo_archive_dir() {
    return (QDir(QDir::tempPath()).filePath(QStringLiteral("spillway-archive-%1")
                                                .arg(QCoreApplication::applicationPid())))
        .toStdString();
}
}  // namespace

RunPlan make_run_plan(const AppOptions& options) {
    RunPlan plan;
    plan.demo = options.demo;

    plan.environment.bootstrap_servers = options.bootstrap_servers;
    // Built through libpq's parser with the TLS and password settings (validated when parsed).
    const std::string conninfo = options.effective_conninfo();
    plan.environment.pg = conninfo;
    plan.environment.kafka.brokers = options.brokers;
    plan.environment.kafka.topic = options.topic;
    plan.environment.kafka.partitions =
        options.partitions > 0
            ? options.partitions
            : DemoEnvironment::partitions_for(options.events, options.payload_bytes);

    EngineOptions& engine = plan.engine;
    engine.source.bootstrap_servers = options.bootstrap_servers;
    engine.source.topic = options.topic;
    engine.source.group_id = options.group;
    engine.source.decoder.id_field = options.id_field;
    engine.source.kafka_properties = options.effective_kafka_properties();
    engine.sink.conninfo = conninfo;
    engine.sink.events_table = options.table;
    engine.sink.dead_letter_table = options.dead_letter_table;
    engine.sink.payload_format = options.payload_format;
    engine.sink.partitions.horizon_days = options.partition_horizon_days;
    engine.knobs = options.knobs;
    engine.drain_timeout_ms = options.drain_timeout_ms;

    plan.tiering.events_table = options.table;
    plan.tiering.partitions = engine.sink.partitions;
    plan.tiering.archive_dir = options.archive_dir;
    if (plan.tiering.archive_dir.empty() && options.demo) {
        plan.tiering.archive_dir = demo_archive_dir();
        plan.remove_archive_dir = true;
    }
    plan.tier_policy.archive_after_days = options.archive_after_days;
    plan.tier_policy.run_interval_s = options.tiering_interval_s;
    plan.prices.hot_per_gib_month = options.price_hot;
    plan.prices.cold_per_gib_month = options.price_cold;

    LoadGeneratorOptions& load = plan.load;
    load.bootstrap_servers = options.bootstrap_servers;
    load.topic = options.topic;
    load.events = options.events;
    load.rate_per_sec = options.rate;
    load.payload_bytes = options.payload_bytes;
    load.devices = options.devices;
    load.duplicate_share = options.duplicate_share;
    load.malformed_share = options.malformed_share;
    return plan;
}

}  // namespace spillway
