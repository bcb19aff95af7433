#pragma once
// A thin RAII wrapper over one libpq connection, used by the writers. libpqxx 6.4 keeps raw COPY
// lines private and reports no error detail field; the writers need both: pre-escaped COPY data
// sent in large chunks, and SQLSTATE + message + detail to classify a failure and tell a person.
// One connection belongs to one thread.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct pg_conn;
struct pg_result;

namespace spillway {

// How a database failure affects the batch that hit it (see STYLE.md, "Errors").
enum class PgErrorClass {
    Transient,  // connection lost, server shutting down, serialization failure, deadlock, ...
    Data,       // a value or constraint the server refused: bisect, dead-letter the bad rows
    Fatal,      // configuration or programming error (missing table, permission): stop loudly
};

class PgError : public std::runtime_error {
public:
    PgError(const std::string& what, std::string sqlstate, std::string detail, bool connection_lost,
            std::string constraint = {});
    const std::string& sqlstate() const { return sqlstate_; }
    const std::string& detail() const { return detail_; }
    bool connection_lost() const { return connection_lost_; }
    // The constraint the server names (PG_DIAG_CONSTRAINT_NAME); empty when it names none.
    const std::string& constraint() const { return constraint_; }
    PgErrorClass classify() const;

private:
    std::string sqlstate_;
    std::string detail_;
    bool connection_lost_;
    std::string constraint_;
};

PgErrorClass classify_sqlstate(std::string_view sqlstate);

class PgConnection {
public:
    // Connects; throws PgError (connection_lost = true) with libpq's message on failure. Unless
    // the connection string (or PGCONNECT_TIMEOUT) sets connect_timeout, a server that does not
    // answer is given kDefaultConnectTimeoutSeconds: without it libpq waits for ever.
    explicit PgConnection(const std::string& conninfo);
    static constexpr int kDefaultConnectTimeoutSeconds = 10;
    ~PgConnection();
    PgConnection(const PgConnection&) = delete;
    PgConnection& operator=(const PgConnection&) = delete;

    bool ok() const;
    // Runs one or more statements; returns the affected row count of the last one.
    long exec(const std::string& sql);
    // Runs a query and returns the first column of every row as text.
    std::vector<std::string> query_column(const std::string& sql);
    // COPY ... FROM STDIN with data already in COPY text format (lines ending in '\n').
    void copy_in(const std::string& copy_sql, std::string_view data);
    // COPY ... FROM STDIN fed piece by piece: `produce` calls `send` with each piece of COPY text
    // in order. Memory stays bounded by the pieces (archive restore). If `produce` throws, the
    // COPY is aborted and the exception rethrown.
    using CopySend = std::function<void(std::string_view)>;
    void copy_in_stream(const std::string& copy_sql,
                        const std::function<void(const CopySend& send)>& produce);
    // COPY ... TO STDOUT: hands every row libpq returns to `on_row` as it arrives, so a table of
    // any size streams through bounded memory. Returns the rows received.
    int64_t copy_out(const std::string& copy_sql,
                     const std::function<void(std::string_view)>& on_row);

    // One statement with $1, $2, ... bound to `params` (text form; nullopt is NULL), so values
    // never become SQL text. A text parameter cannot hold a NUL byte (std::invalid_argument):
    // send bytes as hex text, \x4142, with a ::bytea cast. Returns every row, each column as
    // text or nullopt (NULL).
    std::vector<std::vector<std::optional<std::string>>> query(
        const std::string& sql, const std::vector<std::optional<std::string>>& params);
    // Like query(), for a statement without rows: returns the affected row count.
    long exec_params(const std::string& sql, const std::vector<std::optional<std::string>>& params);

    // A named statement parsed and planned once per connection, for the writers' per-batch
    // statements: planning it on every batch cost more than running it on a small one.
    void prepare(const std::string& name, const std::string& sql);
    // Runs prepared statement `name` with text parameters (none NULL, none holding a NUL byte)
    // and hands the first column of each row to `on_value` straight from libpq's result (no
    // copy per row); a NULL arrives as an empty view. Returns the number of rows.
    int64_t query_prepared_column(const std::string& name,
                                  const std::vector<std::string_view>& params,
                                  const std::function<void(std::string_view)>& on_value);

    // Interactive use (the console): every later statement of this session ends after `timeout`,
    // unless the role, database or connection string already set a statement_timeout, which
    // then stays. Not for the writers: a COPY of a big batch may rightly take long.
    void limit_statement_time(std::chrono::milliseconds timeout);

private:
    [[noreturn]] void throw_from(pg_result* result, const std::string& context);
    // Reads the end of a COPY; throws `failure` if the caller's side failed, else the server's.
    void finish_copy(const std::string& failure, const std::string& context);
    pg_conn* conn_ = nullptr;
};

// Runs `begin` (BEGIN plus any SET LOCAL or locks), then `body`, then COMMIT. When anything throws,
// rolls back (ignoring a failed rollback on a broken connection) and rethrows.
void run_in_transaction(PgConnection& connection, const std::string& begin,
                        const std::function<void()>& body);

// Quotes an SQL identifier ("my table" -> "\"my table\"", embedded quotes doubled).
std::string quote_identifier(std::string_view name);
// True for names we accept as table names: 1..63 chars of [A-Za-z0-9_], optionally
// schema-qualified.
bool valid_table_name(std::string_view name);
// "schema.table" -> "\"schema\".\"table\"". Throws std::invalid_argument for a name that
// valid_table_name() refuses.
std::string quote_table_name(std::string_view name);

}  // namespace spillway
