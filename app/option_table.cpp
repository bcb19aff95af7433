#include "app/option_table.h"

#include <QHostAddress>
#include <QString>
#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

#include "core/postgres/conninfo.h"
#include "core/kafka/event_decoder.h"
#include "core/kafka/kafka_property_check.h"
#include "core/postgres/pg_connection.h"
#include "core/common/secrets.h"
#include "core/postgres/sink_schema.h"

namespace spillway {

namespace {

int64_t integer(const std::string& text, int64_t min, int64_t max) {
    bool ok = false;
    const qlonglong value = QString::fromStdString(text).trimmed().toLongLong(&ok);
    if (!ok || value < min || value > max)
        throw OptionProblem{"\"" + text + "\" is not a whole number from " + std::to_string(min) +
                            " to " + std::to_string(max)};
    return value;
}

double number(const std::string& text, double min, double max) {
    bool ok = false;
    const double value = QString::fromStdString(text).trimmed().toDouble(&ok);
    if (!ok || !std::isfinite(value) || value < min || value > max)
        throw OptionProblem{"\"" + text + "\" is not a number from " + std::to_string(min) +
                            " to " + std::to_string(max)};
    return value;
}

std::string text(const std::string& value) {
    const QString trimmed = QString::fromStdString(value).trimmed();
    if (trimmed.isEmpty())
        throw OptionProblem{"needs a value"};
    return trimmed.toStdString();
}

bool flag(const std::string& value) {
    if (value == "true")
        return true;
    if (value == "false")
        return false;
    throw OptionProblem{"\"" + value + "\" is not true or false"};
}

std::string table_name(const std::string& value) {
    std::string name = text(value);
    // The audit table is <dead-letter table>_audit: keep room for the suffix within PostgreSQL's
    // 63-character identifiers, so the name is never silently truncated.
    if (!valid_table_name(name) || name.size() - name.find('.') > 57)
        throw OptionProblem{"\"" + name +
                            "\" is not a valid table name (letters, digits, _; at most 57 "
                            "characters; optionally schema.table)"};
    return name;
}

// Kafka's own rule for topic names. The writers store the topic with every row, so it must
// never carry a quote or a backslash into SQL text.
std::string topic_name(const std::string& value) {
    std::string name = text(value);
    const bool legal = name.size() <= 249 && name != "." && name != ".." &&
                       std::all_of(name.begin(), name.end(), [](char c) {
                           return std::isalnum(static_cast<unsigned char>(c)) || c == '.' ||
                                  c == '_' || c == '-';
                       });
    if (!legal)
        throw OptionProblem{"\"" + name +
                            "\" is not a valid Kafka topic name (letters, digits, . _ -; at most "
                            "249 characters)"};
    return name;
}

// "ADDR:PORT" with an IP address (IPv6 in brackets) or localhost; port 0 picks a free one.
std::string listen_address(const std::string& value) {
    std::string address = text(value);
    const auto colon = address.rfind(':');
    if (colon == std::string::npos || colon == 0)
        throw OptionProblem{"\"" + address + "\" is not ADDR:PORT (e.g. 127.0.0.1:9464)"};
    std::string host = address.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    if (host != "localhost" && QHostAddress(QString::fromStdString(host)).isNull())
        throw OptionProblem{"\"" + host + "\" is not an IP address or localhost"};
    integer(address.substr(colon + 1), 0, 65535);
    return address;
}

// ISO 8601 ("2026-11-22T04:22:06Z") or epoch milliseconds.
int64_t time_ms(const std::string& value) {
    const std::string time = text(value);
    int64_t ms = 0;
    if (parse_iso8601_ms(time, &ms) && ms > 0)
        return ms;
    bool ok = false;
    ms = QString::fromStdString(time).toLongLong(&ok);
    if (!ok || ms <= 0)
        throw OptionProblem{"\"" + time +
                            "\" is not a time (ISO 8601 like 2026-11-22T04:22:06Z, or epoch "
                            "milliseconds)"};
    return ms;
}

constexpr int64_t kMaxEvents = std::numeric_limits<int64_t>::max() / 2;

}  // namespace

std::string OptionDefinition::config_key() const {
    std::string key = name;
    for (char& c : key)
        if (c == '-')
            c = '_';
    return key;
}

const std::vector<OptionDefinition>& option_definitions() {
    using K = OptionKind;
    using O = AppOptions;
    using S = const std::string&;
    static const std::vector<OptionDefinition> definitions = {
        {"config", nullptr, "FILE", "Read settings from a TOML config file; options override it.",
         nullptr, K::Text, [](O& o, S v) { o.config_file = text(v); }},
        {"check-config", nullptr, "FILE",
         "Check a config file and exit: 0 when valid, else every problem as FILE:LINE: key: "
         "problem.",
         nullptr, K::Text, [](O&, S v) { text(v); }},
        {"headless", nullptr, nullptr, "Run without a window; print progress and a summary.",
         nullptr, K::Flag, [](O& o, S v) { o.headless = flag(v); }},

        // Service
        {"listen", "service", "ADDR:PORT",
         "Serve /metrics and the control API on this address (port 0: any free port).", nullptr,
         K::Text, [](O& o, S v) { o.listen = listen_address(v); }},
        {"allow-remote-listen", "service", nullptr,
         "Allow --listen on an address other than loopback (the API speaks plain HTTP: put a TLS "
         "proxy in front).",
         "false", K::Flag, [](O& o, S v) { o.allow_remote_listen = flag(v); }},
        {"stop-at-end", "service", nullptr,
         "Backfill: read up to the end offsets that exist at start, drain, commit, print the "
         "summary and exit (0 only when every message up to them is accounted for). The console "
         "honours it too: it closes by itself once they are committed.",
         "false", K::Flag, [](O& o, S v) { o.stop_at_end = flag(v); }},
        {"api-token-file", "service", "FILE",
         "File holding the control API's bearer token (mode 600).", nullptr, K::Text,
         [](O& o, S v) { o.api_token_file = text(v); }},

        // Embedded demo
        {"demo", "demo", nullptr,
         "Use the embedded default (mock Kafka, private PostgreSQL, load generator).", "false",
         K::Flag, [](O& o, S v) { o.demo = flag(v); }},
        {"events", "demo", "N", "Demo: events to produce (0 = until stopped).", "0", K::Integer,
         [](O& o, S v) { o.events = integer(v, 0, kMaxEvents); }},
        {"rate", "demo", "R", "Demo: events per second to produce (0 = as fast as possible).", "0",
         K::Number, [](O& o, S v) { o.rate = number(v, 0, 1e8); }},
        {"partitions", "demo", "P", "Demo: topic partitions (0 = sized for the volume).", "0",
         K::Integer, [](O& o, S v) { o.partitions = int(integer(v, 0, 10000)); }},
        {"brokers", "demo", "N", "Demo: mock cluster brokers.", "3", K::Integer,
         [](O& o, S v) { o.brokers = int(integer(v, 1, 16)); }},
        {"payload-bytes", "demo", "S", "Demo: approximate size of one event.", "300", K::Integer,
         [](O& o, S v) { o.payload_bytes = int(integer(v, 200, 1 << 20)); }},
        {"devices", "demo", "N", "Demo: device population (Kafka keys).", "10000", K::Integer,
         [](O& o, S v) { o.devices = int(integer(v, 1, 100'000'000)); }},
        {"duplicate-share", "demo", "F", "Demo: share of exact duplicate events, 0..1.", "0.02",
         K::Number, [](O& o, S v) { o.duplicate_share = number(v, 0, 0.9); }},
        {"malformed-share", "demo", "F", "Demo: share of malformed messages, 0..1.", "0.01",
         K::Number, [](O& o, S v) { o.malformed_share = number(v, 0, 0.9); }},

        // Kafka
        {"bootstrap-servers", "source", "HOST:PORT,...",
         "Kafka bootstrap servers (instead of the embedded cluster).", nullptr, K::Text,
         [](O& o, S v) { o.bootstrap_servers = text(v); }},
        {"topic", "source", "NAME", "Kafka topic to consume.", "events", K::Text,
         [](O& o, S v) { o.topic = topic_name(v); }},
        {"group", "source", "NAME", "Kafka consumer group.", "spillway", K::Text,
         [](O& o, S v) { o.group = text(v); }},
        {"id-field", "source", "FIELD",
         "JSON field holding the event id; empty = hash of the payload.", "event_id", K::Text,
         [](O& o, S v) { o.id_field = v; }},
        {"kafka-security-protocol", "source", "PROTOCOL",
         "Kafka security.protocol: plaintext, ssl, sasl_plaintext or sasl_ssl.", nullptr, K::Text,
         [](O& o, S v) { o.kafka_security_protocol = text(v); }},
        {"kafka-sasl-mechanism", "source", "MECHANISM",
         "Kafka sasl.mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512.", nullptr, K::Text,
         [](O& o, S v) {
             const std::string mechanism = text(v);
             if (mechanism != "PLAIN" && mechanism != "SCRAM-SHA-256" &&
                 mechanism != "SCRAM-SHA-512")
                 throw OptionProblem{"\"" + mechanism +
                                     "\" is not one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512"};
             o.kafka_sasl_mechanism = mechanism;
         }},
        {"kafka-sasl-username", "source", "NAME", "Kafka sasl.username.", nullptr, K::Text,
         [](O& o, S v) { o.kafka_sasl_username = text(v); }},
        {"kafka-sasl-password-file", "source", "FILE",
         "File holding the Kafka SASL password (first line).", nullptr, K::Text,
         [](O& o, S v) { o.kafka_sasl_password_file = text(v); }},
        {"kafka-ssl-ca-location", "source", "FILE",
         "Kafka ssl.ca.location: CA certificate(s) to verify the brokers.", nullptr, K::Text,
         [](O& o, S v) { o.kafka_ssl_ca_location = text(v); }},
        {"kafka-ssl-certificate-location", "source", "FILE",
         "Kafka ssl.certificate.location: client certificate.", nullptr, K::Text,
         [](O& o, S v) { o.kafka_ssl_certificate_location = text(v); }},
        {"kafka-ssl-key-location", "source", "FILE",
         "Kafka ssl.key.location: client private key.", nullptr, K::Text,
         [](O& o, S v) { o.kafka_ssl_key_location = text(v); }},
        {"kafka-ssl-key-password-file", "source", "FILE",
         "File holding the password of the client private key (first line).", nullptr, K::Text,
         [](O& o, S v) { o.kafka_ssl_key_password_file = text(v); }},
        {"kafka-property", nullptr, "NAME=VALUE",
         "Any librdkafka consumer property, passed through (repeatable; [kafka] in the config "
         "file).",
         nullptr, K::Repeated,
         [](O& o, S v) {
             const auto equals = v.find('=');
             if (equals == std::string::npos || equals == 0)
                 throw OptionProblem{"expected NAME=VALUE"};
             const std::string name = v.substr(0, equals), value = v.substr(equals + 1);
             if (is_secret_kafka_property(name))
                 throw OptionProblem{name +
                                     ": a secret on the command line is visible to every user "
                                     "(ps); use the config file's [kafka] table or a *-file "
                                     "option"};
             if (auto problem = kafka_property_problem(name, value); !problem.empty())
                 throw OptionProblem{problem};
             o.kafka_properties[name] = value;
         }},

        // PostgreSQL
        {"pg", "postgres", "CONNINFO",
         "PostgreSQL connection string (instead of the embedded server).", nullptr, K::Text,
         [](O& o, S v) { o.pg = text(v); }},
        {"pg-sslmode", "postgres", "MODE",
         "libpq sslmode: disable, allow, prefer, require, verify-ca or verify-full.", nullptr,
         K::Text,
         [](O& o, S v) {
             const std::string mode = text(v);
             for (const char* known :
                  {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"})
                 if (mode == known) {
                     o.pg_sslmode = mode;
                     return;
                 }
             throw OptionProblem{
                 "\"" + mode +
                 "\" is not one of disable, allow, prefer, require, verify-ca, verify-full"};
         }},
        {"pg-sslrootcert", "postgres", "FILE", "libpq sslrootcert: CA certificate(s) of the server.",
         nullptr, K::Text, [](O& o, S v) { o.pg_sslrootcert = text(v); }},
        {"pg-sslcert", "postgres", "FILE", "libpq sslcert: client certificate.", nullptr, K::Text,
         [](O& o, S v) { o.pg_sslcert = text(v); }},
        {"pg-sslkey", "postgres", "FILE", "libpq sslkey: client private key.", nullptr, K::Text,
         [](O& o, S v) { o.pg_sslkey = text(v); }},
        {"pg-password-file", "postgres", "FILE",
         "File holding the PostgreSQL password (first line).", nullptr, K::Text,
         [](O& o, S v) { o.pg_password_file = text(v); }},
        {"table", "postgres", "NAME", "Events table ([schema.]name).", "events", K::Text,
         [](O& o, S v) {
             o.table = table_name(v);
             if (o.table.substr(o.table.find('.') + 1).size() > kMaxEventsTableName)
                 throw OptionProblem{"\"" + o.table + "\" is too long (at most " +
                                     std::to_string(kMaxEventsTableName) +
                                     " characters, so that its day partitions and side tables "
                                     "fit)"};
         }},
        {"dead-letter-table", "postgres", "NAME", "Dead-letter table ([schema.]name).",
         "dead_letters", K::Text, [](O& o, S v) { o.dead_letter_table = table_name(v); }},

        // Engine knobs
        {"batch-size", "engine", "B", "Events per batch.", "5000", K::Integer,
         [](O& o, S v) { o.knobs.batch_size = int(integer(v, 1, 1'000'000)); }},
        {"flush-interval-ms", "engine", "I",
         "A partial batch leaves after this many milliseconds.", "200", K::Integer,
         [](O& o, S v) { o.knobs.flush_interval_ms = int(integer(v, 1, 600'000)); }},
        {"writers", "engine", "W", "Concurrent writers (one PostgreSQL connection each).", "4",
         K::Integer, [](O& o, S v) { o.knobs.writer_concurrency = int(integer(v, 1, 64)); }},
        {"queue-capacity", "engine", "N", "Queue capacity in events.", "200000", K::Integer,
         [](O& o, S v) { o.knobs.queue_capacity_events = size_t(integer(v, 1, 100'000'000)); }},
        {"queue-bytes", "engine", "BYTES", "Queue capacity in bytes.", "268435456", K::Integer,
         [](O& o, S v) {
             o.knobs.queue_capacity_bytes = size_t(integer(v, 65536, int64_t(64) << 30));
         }},
        {"overflow-policy", "engine", "POLICY",
         "What happens when the queue is full: backpressure (pause consumption) or dead-letter "
         "(park events in the dead-letter table, replay them when there is room).",
         "backpressure", K::Text,
         [](O& o, S v) {
             const auto policy = parse_overflow_policy(v);
             if (!policy)
                 throw OptionProblem{"\"" + v + "\" is not one of backpressure, dead-letter"};
             o.knobs.overflow_policy = *policy;
         }},
        {"drain-timeout-ms", "engine", "MS", "How long a graceful stop waits for in-flight writes.",
         "30000", K::Integer,
         [](O& o, S v) { o.drain_timeout_ms = int(integer(v, 0, 3'600'000)); }},

        // Storage: payload format, read-back, tiers and their cost
        {"payload-format", "storage", "FORMAT",
         "How payloads are stored: jsonb (queryable) or zstd (compressed bytea with a trained "
         "dictionary; read back with --read-events).",
         "jsonb", K::Text,
         [](O& o, S v) {
             const auto format = parse_payload_format(text(v));
             if (!format)
                 throw OptionProblem{"\"" + v + "\" is not one of jsonb, zstd"};
             o.payload_format = *format;
         }},
        {"read-events", nullptr, nullptr,
         "Print the stored events of --table as JSON Lines (payloads decompressed) and exit. "
         "Needs --pg.",
         nullptr, K::Flag, [](O& o, S v) { o.read_events = flag(v); }},
        {"since", nullptr, "T", "--read-events: only events with event_time >= T.", nullptr,
         K::Text, [](O& o, S v) { o.since = text(v); }},
        {"until", nullptr, "T", "--read-events: only events with event_time < T.", nullptr,
         K::Text, [](O& o, S v) { o.until = text(v); }},
        {"limit", nullptr, "N", "--read-events: at most N events (0 = all).", "0", K::Integer,
         [](O& o, S v) { o.limit = integer(v, 0, kMaxEvents); }},
        {"reconcile", nullptr, nullptr,
         "Check every message of --topic against the tables (stored, dead-lettered, not yet "
         "committed or unaccounted), print a report per partition and exit: 0 when nothing "
         "below the group's committed offsets is unaccounted, 1 when something is, 3 when the "
         "check could not finish. Reads without joining --group or committing. Needs --pg and "
         "--bootstrap-servers.",
         nullptr, K::Flag, [](O& o, S v) { o.reconcile = flag(v); }},
        {"reconcile-partition", nullptr, "P", "--reconcile: only this partition.", nullptr,
         K::Integer, [](O& o, S v) { o.reconcile_partition = int32_t(integer(v, 0, 1'000'000)); }},
        {"from-offset", nullptr, "N", "--reconcile: start at this offset (default: log start).",
         nullptr, K::Integer, [](O& o, S v) { o.from_offset = integer(v, 0, kMaxEvents); }},
        {"to-offset", nullptr, "N",
         "--reconcile: stop before this offset (default: the log end).", nullptr, K::Integer,
         [](O& o, S v) { o.to_offset = integer(v, 0, kMaxEvents); }},
        {"reconcile-since", nullptr, "T",
         "--reconcile: start at the first message with a Kafka timestamp >= T (ISO 8601 or "
         "epoch milliseconds).",
         nullptr, K::Text, [](O& o, S v) { o.reconcile_since_ms = time_ms(v); }},
        {"reconcile-until", nullptr, "T",
         "--reconcile: stop before the first message with a Kafka timestamp >= T.", nullptr,
         K::Text, [](O& o, S v) { o.reconcile_until_ms = time_ms(v); }},
        {"reconcile-output", nullptr, "FILE",
         "--reconcile: write every unaccounted offset to FILE as JSON Lines.", nullptr, K::Text,
         [](O& o, S v) { o.reconcile_output = text(v); }},
        {"archive-dir", "storage", "DIR",
         "Cold tier: directory for archived partitions (one zstd file and manifest each). "
         "Without it there is no cold tier (the demo uses a private directory).",
         nullptr, K::Text, [](O& o, S v) { o.archive_dir = text(v); }},
        {"archive-after-days", "storage", "DAYS",
         "Partitions older than this many days move to the cold tier.", "90", K::Integer,
         [](O& o, S v) { o.archive_after_days = int(integer(v, 1, 36500)); }},
        {"partition-horizon-days", "storage", "DAYS",
         "Older events within this many days get a day partition of their own (made by the "
         "partition maintainer); older still stay in the default partition.",
         "400", K::Integer,
         [](O& o, S v) { o.partition_horizon_days = int(integer(v, 0, 36500)); }},
        {"tiering-interval-s", "storage", "S",
         "How often the tiering job looks for partitions to archive.", "3600", K::Integer,
         [](O& o, S v) { o.tiering_interval_s = int(integer(v, 1, 7LL * 86400)); }},
        {"price-hot", "storage", "USD", "Hot tier price, USD per GiB-month (default: AWS EBS gp3).",
         "0.08", K::Number, [](O& o, S v) { o.price_hot = number(v, 0, 1000); }},
        {"price-cold", "storage", "USD",
         "Cold tier price, USD per GiB-month (default: S3 Glacier Flexible Retrieval).", "0.0036",
         K::Number, [](O& o, S v) { o.price_cold = number(v, 0, 1000); }},
    };
    return definitions;
}

const OptionDefinition* find_config_option(const std::string& section, const std::string& key) {
    for (const auto& definition : option_definitions())
        if (definition.section && section == definition.section && key == definition.config_key())
            return &definition;
    return nullptr;
}

std::vector<std::string> config_sections() {
    std::vector<std::string> sections;
    for (const auto& definition : option_definitions()) {
        if (definition.section &&
            std::find(sections.begin(), sections.end(), definition.section) == sections.end())
            sections.push_back(definition.section);
    }
    sections.push_back("kafka");
    return sections;
}

namespace {

std::string read_secret(const std::string& option, const std::string& path) {
    if (path.empty())
        return {};
    try {
        return read_secret_file(path, false);
    } catch (const std::exception& error) {
        throw OptionProblem{"--" + option + ": " + error.what()};
    }
}

}  // namespace

void finish_options(AppOptions& o) {
    if (o.duplicate_share + o.malformed_share > 0.95)
        throw OptionProblem{
            "--duplicate-share plus --malformed-share must leave room for valid events"};
    if (const auto reason = validate(o.knobs); !reason.empty())
        throw OptionProblem{reason};
    if (!o.read_events && (o.since || o.until))
        throw OptionProblem{"--since and --until are only for --read-events"};
    const bool range_given = o.reconcile_partition || o.from_offset >= 0 || o.to_offset >= 0 ||
                             o.reconcile_since_ms > 0 || o.reconcile_until_ms > 0 ||
                             !o.reconcile_output.empty();
    if (!o.reconcile && range_given)
        throw OptionProblem{
            "--reconcile-partition, --from-offset, --to-offset, --reconcile-since, "
            "--reconcile-until and --reconcile-output are only for --reconcile"};
    if (o.reconcile && (o.pg.empty() || o.bootstrap_servers.empty()))
        throw OptionProblem{
            "--reconcile needs --pg and --bootstrap-servers (the database and "
            "the cluster to check against each other)"};
    if (o.reconcile && (o.demo || o.read_events || o.headless))
        throw OptionProblem{"--reconcile runs alone: not with --demo, --read-events or --headless"};
    if (o.from_offset >= 0 && o.to_offset >= 0 && o.to_offset < o.from_offset)
        throw OptionProblem{"--to-offset " + std::to_string(o.to_offset) +
                            " is before --from-offset " + std::to_string(o.from_offset)};
    if (o.reconcile_since_ms > 0 && o.reconcile_until_ms > 0 &&
        o.reconcile_until_ms <= o.reconcile_since_ms)
        throw OptionProblem{"--reconcile-until must be after --reconcile-since"};
    if (o.read_events && o.pg.empty())
        throw OptionProblem{"--read-events needs --pg (the database holding --table)"};
    if (!o.demo && !o.read_events && !o.reconcile && (o.bootstrap_servers.empty() != o.pg.empty()))
        throw OptionProblem{o.pg.empty()
                                ? "--pg is needed with --bootstrap-servers (or use --demo)"
                                : "--bootstrap-servers is needed with --pg (or use --demo)"};
    if (o.headless && !o.demo && o.bootstrap_servers.empty() && !o.read_events)
        throw OptionProblem{"--headless needs --demo, or --bootstrap-servers and --pg"};
    if (!o.listen.empty() && !o.allow_remote_listen) {
        const std::string host = o.listen.substr(0, o.listen.rfind(':'));
        const QHostAddress address(QString::fromStdString(host).remove('[').remove(']'));
        if (host != "localhost" && !address.isLoopback())
            throw OptionProblem{"--listen " + o.listen +
                                ": not a loopback address; the control API and /metrics speak "
                                "plain HTTP, so a token would cross the network in clear. Put a "
                                "TLS proxy in front and add --allow-remote-listen to do it anyway"};
    }
    if (!o.listen.empty() && !o.headless)
        throw OptionProblem{"--listen needs --headless (the console serves no API)"};
    if (o.stop_at_end && (o.demo || o.read_events || o.reconcile || o.bootstrap_servers.empty()))
        throw OptionProblem{
            "--stop-at-end needs --bootstrap-servers and --pg (the demo already stops once its "
            "--events are stored)"};
    if (!o.api_token_file.empty()) {
        if (o.listen.empty())
            throw OptionProblem{"--api-token-file needs --listen"};
        if (auto problem = owner_only_problem(o.api_token_file); !problem.empty())
            throw OptionProblem{"--api-token-file: " + problem};
    }
    const bool pg_security = !o.pg_sslmode.empty() || !o.pg_sslrootcert.empty() ||
                             !o.pg_sslcert.empty() || !o.pg_sslkey.empty() ||
                             !o.pg_password_file.empty();
    if (pg_security && o.pg.empty())
        throw OptionProblem{
            "--pg-sslmode, --pg-sslrootcert, --pg-sslcert, --pg-sslkey and --pg-password-file "
            "apply to --pg (the embedded server needs none)"};
    o.kafka_sasl_password = read_secret("kafka-sasl-password-file", o.kafka_sasl_password_file);
    o.kafka_ssl_key_password =
        read_secret("kafka-ssl-key-password-file", o.kafka_ssl_key_password_file);
    o.pg_password = read_secret("pg-password-file", o.pg_password_file);
    for (const auto& [name, value] : o.kafka_properties)
        if (is_secret_kafka_property(name))
            register_secret(value);
    if (!o.pg.empty()) {
        try {
            // A password written into the connection string itself is a secret too.
            register_conninfo_secrets(o.effective_conninfo());
        } catch (const std::invalid_argument& error) {
            throw OptionProblem{std::string("--pg: ") + error.what()};
        }
    }
    for (const auto& [name, value] : o.effective_kafka_properties()) {
        if (auto problem = kafka_property_problem(name, value); !problem.empty())
            throw OptionProblem{"Kafka property " + name + ": " + problem};
    }
}

}  // namespace spillway
