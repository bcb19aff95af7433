#pragma once
// The command line: one parse into plain values, every error naming the option and the value.
// These option names are a public interface: scripts use them. Add, never rename.
#include <QStringList>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "core/pipeline/knobs.h"
#include "core/postgres/sink_schema.h"

namespace spillway {

struct AppOptions {
    bool headless = false;
    bool demo = false;

    // Embedded demo
    int64_t events = 0;  // 0: produce until stopped
    double rate = 0;     // events/s; 0: as fast as possible
    int partitions = 0;  // 0: sized for the volume
    int brokers = 3;
    int payload_bytes = 300;
    int devices = 10000;
    double duplicate_share = 0.02;
    double malformed_share = 0.01;

    // Real services
    std::string bootstrap_servers;
    std::string topic = "events";
    std::string group = "spillway";
    std::string pg;  // libpq connection string
    std::string table = "events";
    std::string dead_letter_table = "dead_letters";
    std::string id_field = "event_id";
    PayloadFormat payload_format = PayloadFormat::Jsonb;

    // --read-events: print stored events as JSON Lines instead of running the engine
    bool read_events = false;
    std::optional<std::string> since, until;  // event_time bounds, any PostgreSQL time text
    int64_t limit = 0;                        // 0: every matching event

    // --reconcile: check the topic against the tables instead of running the engine
    bool reconcile = false;
    std::optional<int32_t> reconcile_partition;  // empty: every partition
    int64_t from_offset = -1;                    // -1: the log start
    int64_t to_offset = -1;                      // exclusive; -1: the log end
    int64_t reconcile_since_ms = 0;              // > 0: a time range, by the messages' timestamps
    int64_t reconcile_until_ms = 0;
    std::string reconcile_output;  // JSON Lines of unaccounted offsets; empty: none written

    Knobs knobs;
    int drain_timeout_ms = 30000;

    // Storage tiers and their cost
    std::string archive_dir;  // empty: no cold tier (the demo then uses a private directory)
    int archive_after_days = 90;
    int partition_horizon_days = 400;
    int tiering_interval_s = 3600;
    double price_hot = 0.08;     // USD per GiB-month: AWS EBS gp3
    double price_cold = 0.0036;  // USD per GiB-month: S3 Glacier Flexible Retrieval

    // Service: metrics and the control API (empty listen: no HTTP server)
    std::string listen;  // ADDR:PORT
    bool allow_remote_listen = false;
    std::string api_token_file;
    bool stop_at_end = false;  // backfill: stop once the end offsets seen at start are committed
    std::string config_file;   // the file settings were read from, if any

    // Transport security. Secrets come from files; the *_password members hold what was read
    // (registered for redaction, never printed).
    std::string kafka_security_protocol, kafka_sasl_mechanism, kafka_sasl_username;
    std::string kafka_sasl_password_file, kafka_ssl_key_password_file;
    std::string kafka_ssl_ca_location, kafka_ssl_certificate_location, kafka_ssl_key_location;
    std::map<std::string, std::string> kafka_properties;  // [kafka] and --kafka-property, verbatim
    std::string pg_sslmode, pg_sslrootcert, pg_sslcert, pg_sslkey, pg_password_file;
    std::string kafka_sasl_password, kafka_ssl_key_password, pg_password;

    // Every librdkafka property the consumer gets from these options (security ones included).
    std::map<std::string, std::string> effective_kafka_properties() const;
    // --pg with the sslmode/certificate/password parameters added through libpq's parser.
    std::string effective_conninfo() const;
};

struct ParseOutcome {
    std::optional<AppOptions> options;  // empty when the program should exit
    int exit_code = 0;                  // 0 after --help/--version, 2 on a bad option
    std::string output;                 // help text or the error message, for the caller to print
};

ParseOutcome parse_options(const QStringList& arguments);

// `spillway --check-config FILE`: every problem as FILE:LINE: key: problem, one a line. Returns
// the exit code (0: valid) and fills `report`.
int check_config_file(const std::string& path, std::string& report);

}  // namespace spillway
