#include "app/options.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <cmath>
#include <limits>

#include "core/pg_connection.h"

namespace spillway {

namespace {

struct Failure {
    std::string message;
};

int64_t to_integer(const QCommandLineParser& parser, const QString& name, int64_t min,
                   int64_t max) {
    const QString text = parser.value(name);
    bool ok = false;
    const qlonglong value = text.toLongLong(&ok);
    if (!ok || value < min || value > max)
        throw Failure{"--" + name.toStdString() + ": \"" + text.toStdString() +
                      "\" is not a whole number from " + std::to_string(min) + " to " +
                      std::to_string(max)};
    return value;
}

double to_number(const QCommandLineParser& parser, const QString& name, double min, double max) {
    const QString text = parser.value(name);
    bool ok = false;
    const double value = text.toDouble(&ok);
    if (!ok || !std::isfinite(value) || value < min || value > max)
        throw Failure{"--" + name.toStdString() + ": \"" + text.toStdString() +
                      "\" is not a number from " + std::to_string(min) + " to " +
                      std::to_string(max)};
    return value;
}

std::string to_text(const QCommandLineParser& parser, const QString& name) {
    const QString text = parser.value(name).trimmed();
    if (text.isEmpty())
        throw Failure{"--" + name.toStdString() + " needs a value"};
    return text.toStdString();
}

}  // namespace

ParseOutcome parse_options(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Spillway: a Kafka -> PostgreSQL ingestion engine with an operations console.\n"
        "Without options it opens the console. --demo runs on the embedded default: librdkafka's\n"
        "mock cluster on 127.0.0.1, a private PostgreSQL server and a load generator.");
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const auto help = parser.addHelpOption();
    const auto version = parser.addVersionOption();
    parser.addOptions({
        {"headless", "Run without a window; print progress and a summary."},
        {"demo", "Use the embedded default (mock Kafka, private PostgreSQL, load generator)."},
        {"events", "Demo: events to produce (0 = until stopped).", "N", "0"},
        {"rate", "Demo: events per second to produce (0 = as fast as possible).", "R", "0"},
        {"partitions", "Demo: topic partitions (0 = sized for the volume).", "P", "0"},
        {"brokers", "Demo: mock cluster brokers.", "N", "3"},
        {"payload-bytes", "Demo: approximate size of one event.", "S", "300"},
        {"devices", "Demo: device population (Kafka keys).", "N", "10000"},
        {"duplicate-share", "Demo: share of exact duplicate events, 0..1.", "F", "0.02"},
        {"malformed-share", "Demo: share of malformed messages, 0..1.", "F", "0.01"},
        {"bootstrap-servers", "Kafka bootstrap servers (instead of the embedded cluster).",
         "HOST:PORT,..."},
        {"topic", "Kafka topic to consume.", "NAME", "events"},
        {"group", "Kafka consumer group.", "NAME", "spillway"},
        {"pg", "PostgreSQL connection string (instead of the embedded server).", "CONNINFO"},
        {"table", "Events table ([schema.]name).", "NAME", "events"},
        {"dead-letter-table", "Dead-letter table ([schema.]name).", "NAME", "dead_letters"},
        {"id-field", "JSON field holding the event id; empty = hash of the payload.", "FIELD",
         "event_id"},
        {"batch-size", "Events per batch.", "B", "5000"},
        {"flush-interval-ms", "A partial batch leaves after this many milliseconds.", "I", "200"},
        {"writers", "Concurrent writers (one PostgreSQL connection each).", "W", "4"},
        {"queue-capacity", "Queue capacity in events.", "N", "200000"},
        {"queue-bytes", "Queue capacity in bytes.", "BYTES", QString::number(256u << 20)},
        {"overflow-policy",
         "What happens when the queue is full: backpressure (pause consumption) or dead-letter "
         "(park events in the dead-letter table, replay them when there is room).",
         "POLICY", "backpressure"},
        {"drain-timeout-ms", "How long a graceful stop waits for in-flight writes.", "MS", "30000"},
        {"archive-dir",
         "Cold tier: directory for archived partitions (one zstd file and manifest each). "
         "Without it there is no cold tier (the demo uses a private directory).",
         "DIR"},
        {"archive-after-days", "Partitions older than this many days move to the cold tier.",
         "DAYS", "90"},
        {"tiering-interval-s", "How often the tiering job looks for partitions to archive.", "S",
         "3600"},
        {"price-hot", "Hot tier price, USD per GiB-month (default: AWS EBS gp3).", "USD", "0.08"},
        {"price-cold",
         "Cold tier price, USD per GiB-month (default: S3 Glacier Flexible Retrieval).", "USD",
         "0.0036"},
        {"payload-format",
         "How payloads are stored: jsonb (queryable) or zstd (compressed bytea with a trained "
         "dictionary; read back with --read-events).",
         "FORMAT", "jsonb"},
        {"read-events",
         "Print the stored events of --table as JSON Lines (payloads decompressed) and exit. "
         "Needs --pg."},
        {"since", "--read-events: only events with event_time >= T.", "T"},
        {"until", "--read-events: only events with event_time < T.", "T"},
        {"limit", "--read-events: at most N events (0 = all).", "N", "0"},
    });

    ParseOutcome outcome;
    if (!parser.parse(arguments)) {
        outcome.exit_code = 2;
        outcome.output = parser.errorText().toStdString() + "\nTry --help.";
        return outcome;
    }
    if (parser.isSet(help)) {
        outcome.output = parser.helpText().toStdString();
        return outcome;
    }
    if (parser.isSet(version)) {
        outcome.output = "spillway " + QCoreApplication::applicationVersion().toStdString();
        return outcome;
    }
    if (!parser.positionalArguments().isEmpty()) {
        outcome.exit_code = 2;
        outcome.output = "unexpected argument \"" +
                         parser.positionalArguments().first().toStdString() + "\"\nTry --help.";
        return outcome;
    }

    try {
        AppOptions o;
        o.headless = parser.isSet("headless");
        o.demo = parser.isSet("demo");
        o.events = to_integer(parser, "events", 0, std::numeric_limits<int64_t>::max() / 2);
        o.rate = to_number(parser, "rate", 0, 1e8);
        o.partitions = static_cast<int>(to_integer(parser, "partitions", 0, 10000));
        o.brokers = static_cast<int>(to_integer(parser, "brokers", 1, 16));
        o.payload_bytes = static_cast<int>(to_integer(parser, "payload-bytes", 200, 1 << 20));
        o.devices = static_cast<int>(to_integer(parser, "devices", 1, 100'000'000));
        o.duplicate_share = to_number(parser, "duplicate-share", 0, 0.9);
        o.malformed_share = to_number(parser, "malformed-share", 0, 0.9);
        if (o.duplicate_share + o.malformed_share > 0.95)
            throw Failure{
                "--duplicate-share plus --malformed-share must leave room for valid events"};
        if (parser.isSet("bootstrap-servers"))
            o.bootstrap_servers = to_text(parser, "bootstrap-servers");
        o.topic = to_text(parser, "topic");
        o.group = to_text(parser, "group");
        if (parser.isSet("pg"))
            o.pg = to_text(parser, "pg");
        o.table = to_text(parser, "table");
        o.dead_letter_table = to_text(parser, "dead-letter-table");
        for (const auto& [name, value] :
             {std::pair{"table", o.table}, {"dead-letter-table", o.dead_letter_table}}) {
            if (!valid_table_name(value))
                throw Failure{
                    std::string("--") + name + ": \"" + value +
                    "\" is not a valid table name (letters, digits, _; optionally schema.table)"};
        }
        o.id_field = parser.value("id-field").toStdString();
        o.knobs.batch_size = static_cast<int>(to_integer(parser, "batch-size", 1, 1'000'000));
        o.knobs.flush_interval_ms =
            static_cast<int>(to_integer(parser, "flush-interval-ms", 1, 600'000));
        o.knobs.writer_concurrency = static_cast<int>(to_integer(parser, "writers", 1, 64));
        o.knobs.queue_capacity_events =
            static_cast<size_t>(to_integer(parser, "queue-capacity", 1, 100'000'000));
        o.knobs.queue_capacity_bytes =
            static_cast<size_t>(to_integer(parser, "queue-bytes", 65536, int64_t(64) << 30));
        const auto policy = parse_overflow_policy(parser.value("overflow-policy").toStdString());
        if (!policy)
            throw Failure{"--overflow-policy: \"" + parser.value("overflow-policy").toStdString() +
                          "\" is not one of backpressure, dead-letter"};
        o.knobs.overflow_policy = *policy;
        o.drain_timeout_ms = static_cast<int>(to_integer(parser, "drain-timeout-ms", 0, 3'600'000));
        if (parser.isSet("archive-dir"))
            o.archive_dir = to_text(parser, "archive-dir");
        o.archive_after_days = static_cast<int>(to_integer(parser, "archive-after-days", 1, 36500));
        o.tiering_interval_s =
            static_cast<int>(to_integer(parser, "tiering-interval-s", 1, 7 * 86400));
        o.price_hot = to_number(parser, "price-hot", 0, 1000);
        o.price_cold = to_number(parser, "price-cold", 0, 1000);
        const auto format = parse_payload_format(parser.value("payload-format").toStdString());
        if (!format)
            throw Failure{"--payload-format: \"" + parser.value("payload-format").toStdString() +
                          "\" is not one of jsonb, zstd"};
        o.payload_format = *format;
        if (o.table.substr(o.table.find('.') + 1).size() > kMaxEventsTableName)
            throw Failure{"--table: \"" + o.table + "\" is too long (at most " +
                          std::to_string(kMaxEventsTableName) +
                          " characters, so that its day partitions and side tables fit)"};
        o.read_events = parser.isSet("read-events");
        for (const auto& [name, bound] : {std::pair{"since", &o.since}, {"until", &o.until}}) {
            if (parser.isSet(name)) {
                if (!o.read_events)
                    throw Failure{std::string("--") + name + " is only for --read-events"};
                *bound = to_text(parser, name);
            }
        }
        o.limit = to_integer(parser, "limit", 0, std::numeric_limits<int64_t>::max() / 2);
        if (o.read_events && o.pg.empty())
            throw Failure{"--read-events needs --pg (the database holding --table)"};
        if (const auto reason = validate(o.knobs); !reason.empty())
            throw Failure{reason};
        if (!o.demo && !o.read_events && (o.bootstrap_servers.empty() != o.pg.empty()))
            throw Failure{o.pg.empty() ? "--pg is needed with --bootstrap-servers (or use --demo)"
                                       : "--bootstrap-servers is needed with --pg (or use --demo)"};
        if (o.headless && !o.demo && o.bootstrap_servers.empty() && !o.read_events)
            throw Failure{"--headless needs --demo, or --bootstrap-servers and --pg"};
        outcome.options = o;
    } catch (const Failure& failure) {
        outcome.exit_code = 2;
        outcome.output = failure.message + "\nTry --help.";
    }
    return outcome;
}

}  // namespace spillway
