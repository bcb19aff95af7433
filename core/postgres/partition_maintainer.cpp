#include "core/postgres/partition_maintainer.h"

#include <memory>

#include "core/common/logging.h"
#include "core/pipeline/metrics.h"
#include "core/postgres/pg_connection.h"

namespace spillway {

namespace {
std::string timestamp_literal(std::chrono::sys_days day) {
    const std::chrono::year_month_day date{day};
    char text[40];
    std::snprintf(text, sizeof text, "'%04d-%02u-%02u 00:00:00+00'", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
    return text;
}

bool table_exists(PgConnection& connection, const std::string& table) {
    const auto rows =
        connection.query("SELECT to_regclass($1) IS NOT NULL", {quote_table_name(table)});
    return !rows.empty() && rows[0][0] && *rows[0][0] == "t";
}

// One day's partition, in one transaction: build it beside the table, move that day's rows out
// of the default partition, attach it. The default partition is locked first so no writer adds a
// row of that day between the move and the attach; lock_timeout keeps writers from queueing
// behind a long wait (the next run tries again). A writer whose COPY routed a row of that day to
// the default partition before the attach committed fails that partition's bounds once the lock
// is released; it retries the batch, which then routes the row to the new partition
// (PgError::classify).
void create_day_partition(PgConnection& connection, const SinkOptions& options,
                          std::chrono::sys_days day) {
    const std::string partition = day_partition_table(options.events_table, day);
    const std::string quoted = quote_table_name(partition);
    const std::string default_partition =
        quote_table_name(default_partition_table(options.events_table));
    const std::string range = "event_time >= " + timestamp_literal(day) + " AND event_time < " +
                              timestamp_literal(day + std::chrono::days(1));
    run_in_transaction(
        connection,
        "BEGIN;"
        "SET LOCAL lock_timeout = '2s';"
        "SELECT pg_advisory_xact_lock(hashtext('spillway.partitions'));",
        [&] {
            if (table_exists(connection, partition))
                return;  // another instance made it meanwhile
            connection.exec("LOCK TABLE " + default_partition +
                            " IN ACCESS EXCLUSIVE MODE;"
                            "CREATE TABLE " +
                            quoted + " (LIKE " + quote_table_name(options.events_table) +
                            " INCLUDING DEFAULTS INCLUDING CONSTRAINTS);"
                            "INSERT INTO " +
                            quoted + " SELECT * FROM " + default_partition + " WHERE " + range +
                            ";"
                            "DELETE FROM " +
                            default_partition + " WHERE " + range +
                            ";"
                            "ALTER TABLE " +
                            quote_table_name(options.events_table) + " ATTACH PARTITION " + quoted +
                            " FOR VALUES FROM (" + timestamp_literal(day) + ") TO (" +
                            timestamp_literal(day + std::chrono::days(1)) + ");");
        });
}
}  // namespace

int ensure_partitions(PgConnection& connection, const SinkOptions& options,
                      std::chrono::system_clock::time_point now) {
    const auto today = std::chrono::floor<std::chrono::days>(now);
    int created = 0;
    for (int offset = -options.partitions.days_behind; offset <= options.partitions.days_ahead;
         ++offset) {
        const auto day = today + std::chrono::days(offset);
        if (table_exists(connection, day_partition_table(options.events_table, day)))
            continue;
        create_day_partition(connection, options, day);
        ++created;
    }
    if (created > 0)
        qCInfo(lcStorage) << "created" << created << "day partitions of"
                          << options.events_table.c_str();
    return created;
}

int ensure_history_partitions(PgConnection& connection, const SinkOptions& options,
                              std::chrono::system_clock::time_point now) {
    const auto today = std::chrono::floor<std::chrono::days>(now);
    const auto first = today - std::chrono::days(options.partitions.horizon_days);
    const auto window = today - std::chrono::days(options.partitions.days_behind);
    if (first >= window)
        return 0;
    const std::string default_partition = default_partition_table(options.events_table);
    if (!table_exists(connection, default_partition))
        return 0;
    const auto days = connection.query(
        "SELECT DISTINCT floor(extract(epoch FROM event_time) / 86400)::bigint FROM " +
            quote_table_name(default_partition) + " WHERE event_time >= " +
            timestamp_literal(first) + " AND event_time < " + timestamp_literal(window),
        {});
    int created = 0;
    for (const auto& row : days) {
        if (!row[0])
            continue;
        const std::chrono::sys_days day{std::chrono::days(std::stoll(*row[0]))};
        if (table_exists(connection, day_partition_table(options.events_table, day)))
            continue;  // archived rows of a day whose partition is attached again cannot be here
        create_day_partition(connection, options, day);
        ++created;
    }
    if (created > 0)
        qCInfo(lcStorage) << "created" << created << "day partitions of"
                          << options.events_table.c_str() << "for older events";
    return created;
}

PartitionMaintainer::PartitionMaintainer(SinkOptions options, Metrics* metrics)
    : options_(std::move(options)), metrics_(metrics) {}

PartitionMaintainer::~PartitionMaintainer() {
    stop();
}

void PartitionMaintainer::start() {
    stop_ = false;
    thread_ = std::thread([this] { run(); });
}

void PartitionMaintainer::stop() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable())
        thread_.join();
}

std::string PartitionMaintainer::last_error() const {
    std::lock_guard lock(mutex_);
    return last_error_;
}

void PartitionMaintainer::run() {
    std::unique_ptr<PgConnection> connection;
    for (;;) {
        // Counted before the run: rows that arrive during it wake the next one. A failed run
        // does not reset the count, so it waits like any failure instead of spinning.
        default_rows_seen_ = metrics_ ? metrics_->events_to_default_partition.load() : 0;
        std::string error;
        try {
            if (!connection || !connection->ok())
                connection = std::make_unique<PgConnection>(options_.conninfo);
            ensure_partitions(*connection, options_, std::chrono::system_clock::now());
            ensure_history_partitions(*connection, options_, std::chrono::system_clock::now());
        } catch (const std::exception& failure) {
            error = failure.what();
            connection.reset();
            qCWarning(lcStorage).noquote()
                << "creating partitions of" << options_.events_table.c_str()
                << "failed (retrying at the next check):" << error.c_str();
        }
        if (metrics_)
            metrics_->storage_error.set(error.empty() ? std::string() : "partitions: " + error);
        std::unique_lock lock(mutex_);
        last_error_ = error;
        // A failed run retries sooner than a healthy check.
        const auto wait = error.empty() ? options_.partitions.check_interval
                                        : std::min(options_.partitions.check_interval,
                                                   std::chrono::milliseconds(5000));
        // Rows that went to the default partition (the writers count them) may belong to a day
        // that should have its partition: look again soon, not at the next check.
        const auto until = std::chrono::steady_clock::now() + wait;
        const auto new_default_rows = [this] {
            return metrics_ && metrics_->events_to_default_partition.load() != default_rows_seen_;
        };
        while (!stop_ && std::chrono::steady_clock::now() < until && !new_default_rows())
            wake_.wait_for(lock,
                           std::min<std::chrono::steady_clock::duration>(
                               std::chrono::seconds(1), until - std::chrono::steady_clock::now()));
        if (stop_)
            return;
    }
}

}  // namespace spillway
